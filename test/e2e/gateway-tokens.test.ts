import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { API_SCOPE } from '../../functions/auth/claims';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/auth';
import { captureOutput, givenRuntime, stopHarness, type Harness } from './steps';

const NOW_S = () => Math.floor(Date.now() / 1000);
const HOUR_S = 3600;

/** A Cognito-shaped access token's claims for the operations role; each case takes one away or bends one. */
const goodClaims = (): JWTPayload => ({
  'cognito:groups': ['operations'],
  username: 'ops',
  client_id: 'local-web-client',
  token_use: 'access',
  scope: `aws.cognito.signin.user.admin ${API_SCOPE}`,
  iss: LOCAL_ISSUER,
  aud: LOCAL_AUDIENCE,
  sub: 'ops',
  iat: NOW_S(),
  exp: NOW_S() + HOUR_S,
});

interface Refusal {
  readonly status: number;
  readonly reason?: string;
  readonly message?: string;
  readonly challenge: string | null;
}

/**
 * The local API Gateway's token checks (issues 12 and 13): a 401 says which of missing, expired,
 * malformed or not-for-this-API the token was and nothing else; a token needs `exp`, `iat` and
 * `token_use` (access), an `iat` not in the future and a lifetime of at most 12 hours; and each
 * refusal leaves one access-log line, without the token.
 */
describe('the local gateway refuses tokens and says why', () => {
  let h: Harness;
  let dataDir: string;
  let key: CryptoKey;

  beforeAll(async () => {
    // With a data directory the issuer keeps its key in a file, so this test can sign with it.
    dataDir = mkdtempSync(path.join(tmpdir(), 'ciss-tokens-'));
    h = await givenRuntime({ dataDir });
    key = (await importJWK(JSON.parse(readFileSync(path.join(dataDir, 'issuer-key.json'), 'utf8')) as JWK, 'ES256')) as CryptoKey;
  });
  afterAll(async () => {
    await stopHarness(h);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const sign = (claims: JWTPayload, signingKey: CryptoKey = key): Promise<string> => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'local' }).sign(signingKey);
  const without = (claim: string): JWTPayload => Object.fromEntries(Object.entries(goodClaims()).filter(([k]) => k !== claim));

  async function call(authorization?: string): Promise<Refusal> {
    const res = await fetch(`${h.runtime.endpoints.api}/ops/executions`, { headers: authorization === undefined ? {} : { Authorization: authorization } });
    const body = (await res.json()) as { reason?: string; message?: string };
    return { status: res.status, reason: body.reason, message: body.message, challenge: res.headers.get('www-authenticate') };
  }

  it('lets a well-formed access token of its issuer through', async () => {
    expect((await call(`Bearer ${await sign(goodClaims())}`)).status).toBe(200);
    expect((await call(`Bearer ${await h.runtime.mintToken({ roles: ['operations'] })}`)).status).toBe(200);
  });

  it('says the token is missing when there is none', async () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer   ']) {
      expect(await call(header)).toEqual({ status: 401, reason: 'missing', message: expect.stringContaining('No token') as string, challenge: 'Bearer realm="ciss-workflows"' });
    }
  });

  it('says the token has expired when its own issuer signed it and exp is past', async () => {
    const expired = await sign({ ...goodClaims(), iat: NOW_S() - 2 * HOUR_S, exp: NOW_S() - 60 });
    expect(await call(`Bearer ${expired}`)).toEqual({ status: 401, reason: 'expired', message: expect.stringContaining('expired') as string, challenge: expect.stringContaining('error="invalid_token"') as string });
    expect((await call(`Bearer ${await h.runtime.mintToken({ roles: ['operations'], expiresIn: NOW_S() - 60 })}`)).reason).toBe('expired');
  });

  it('says the token is malformed when it is not a JWT', async () => {
    const good = await sign(goodClaims());
    for (const header of ['Bearer not-a-jwt', 'Bearer a.b.c', `Bearer ${good.split('.').slice(0, 2).join('.')}`, `Basic ${Buffer.from('u:p').toString('base64')}`, `Bearer %%%.${good.split('.')[1]}.x`]) {
      expect({ header: header.slice(0, 12), ...(await call(header)) }).toMatchObject({ status: 401, reason: 'malformed', message: expect.stringContaining('malformed') as string });
    }
  });

  it('says the token is not valid for this API for another issuer, audience, key, algorithm, scope or an ID token, and no more', async () => {
    const { privateKey: foreign } = await generateKeyPair('ES256');
    const noScope = goodClaims();
    noScope['scope'] = 'aws.cognito.signin.user.admin';
    const cases: Record<string, string> = {
      'another issuer': await sign({ ...goodClaims(), iss: 'https://issuer.example.com' }),
      'another audience': await sign({ ...goodClaims(), aud: 'another-app' }),
      'another key': await sign(goodClaims(), foreign),
      'alg none': `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(goodClaims())).toString('base64url')}.`,
      'no API scope': await sign(noScope),
      'an ID token': await sign({ ...without('scope'), token_use: 'id' }),
      'issued by this runtime for another audience': await h.runtime.mintToken({ roles: ['operations'], audience: 'someone-else' }),
    };
    const messages = new Set<string>();
    for (const [what, token] of Object.entries(cases)) {
      const refusal = await call(`Bearer ${token}`);
      expect({ what, status: refusal.status, reason: refusal.reason }).toEqual({ what, status: 401, reason: 'not-for-this-api' });
      messages.add(refusal.message ?? '');
    }
    // One message for all: the answer does not say which check failed.
    expect([...messages]).toEqual(['The token is not valid for this API']);
  });

  it('refuses a token without exp, iat or token_use, with iat in the future, or living longer than 12 hours', async () => {
    const cases: Record<string, JWTPayload> = {
      'no exp': without('exp'),
      'no iat': without('iat'),
      'no token_use': without('token_use'),
      'iat an hour ahead': { ...goodClaims(), iat: NOW_S() + HOUR_S, exp: NOW_S() + 2 * HOUR_S },
      'a 13-hour lifetime': { ...goodClaims(), exp: NOW_S() + 13 * HOUR_S },
      'issued yesterday for a week': { ...goodClaims(), iat: NOW_S() - 24 * HOUR_S, exp: NOW_S() + 6 * 24 * HOUR_S },
    };
    for (const [what, claims] of Object.entries(cases)) {
      const refusal = await call(`Bearer ${await sign(claims)}`);
      expect({ what, status: refusal.status, reason: refusal.reason }).toEqual({ what, status: 401, reason: 'not-for-this-api' });
    }
    // A little clock skew is not a refusal; the issuer will not mint what the gateway refuses.
    expect((await call(`Bearer ${await sign({ ...goodClaims(), iat: NOW_S() + 30 })}`)).status).toBe(200);
    await expect(h.runtime.mintToken({ roles: ['operations'], expiresIn: '13h' })).rejects.toThrow('expiresIn must be at most 12h');
  });

  it('writes one access-log line per refused request, with its reason and never the token', async () => {
    const token = await sign({ ...goodClaims(), aud: 'another-app' });
    const output = captureOutput();
    let res: Response;
    try {
      res = await fetch(`${h.runtime.endpoints.api}/ops/executions?limit=1`, { headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'gateway-tokens-test' } });
      await res.text();
    } finally {
      output.restore();
    }
    const lines = output.written.join('').split('\n').filter((l) => l.includes('"apigateway-access"'));
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toEqual({
      log: 'apigateway-access',
      requestId: res.headers.get('x-amzn-requestid'),
      ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$|^::1$/) as string,
      userAgent: 'gateway-tokens-test',
      requestTime: expect.any(String) as string,
      httpMethod: 'GET',
      resourcePath: '/ops/executions',
      status: 401,
      protocol: 'HTTP/1.1',
      responseLength: expect.any(Number) as number,
      errorMessage: 'The token is not valid for this API',
      errorResponseType: 'UNAUTHORIZED',
      tokenRefusal: 'not-for-this-api',
      tokenRefusalDetail: 'claim aud check_failed',
    });
    const everything = output.written.join('');
    for (const part of token.split('.')) expect(everything).not.toContain(part);
  });
});
