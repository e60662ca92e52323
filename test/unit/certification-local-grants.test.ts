/** The local user store consults the grants: a person's next token carries a granted role, and only then. */
import { decodeJwt } from 'jose';
import { LocalIssuer } from '../../infra/local/auth';

describe('the local issuer and role grants', () => {
  it('adds the roles granted to a person’s e-mail to their access and ID tokens, once each', async () => {
    const issuer = await LocalIssuer.create();
    const granted = new Map<string, 'search'[]>([['avery@nhpd.ct.example', ['search']]]);
    issuer.grantedRoles = async (email) => granted.get(email) ?? [];

    const access = decodeJwt(await issuer.mint({ roles: ['agency-staff', 'search'], ori: 'CT0000100', username: 'avery', email: 'avery@nhpd.ct.example' }));
    const id = decodeJwt(await issuer.mintIdToken({ roles: ['agency-staff'], username: 'avery', email: 'avery@nhpd.ct.example', clientId: 'local-portal' }));
    const other = decodeJwt(await issuer.mint({ roles: ['agency-staff'], ori: 'CT0000100', username: 'blake', email: 'blake@nhpd.ct.example' }));

    expect(access['cognito:groups']).toEqual(['agency-staff', 'search']);
    expect(id['cognito:groups']).toEqual(['agency-staff', 'search']);
    expect(other['cognito:groups']).toEqual(['agency-staff']);
  });

  it('gives the API scope to a person whose only role is a granted one, and drops it when the grant is gone', async () => {
    const issuer = await LocalIssuer.create();
    let grants: 'search'[] = ['search'];
    issuer.grantedRoles = async () => grants;

    expect(String(decodeJwt(await issuer.mint({ roles: [], username: 'avery', email: 'avery@nhpd.ct.example' }))['scope'])).toContain('ciss/api');
    grants = [];
    const after = decodeJwt(await issuer.mint({ roles: [], username: 'avery', email: 'avery@nhpd.ct.example' }));
    expect(after['cognito:groups']).toEqual([]);
    expect(String(after['scope'])).not.toContain('ciss/api');
  });
});
