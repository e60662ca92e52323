/** The agency registry: its reference data, provisioning (the RMS client made once, audited) and connection on the first packet. */
import { jest } from '@jest/globals';
import { CreateUserPoolClientCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import type { AuditEvent } from '#shared/audit';
import { Conflict, NotFound } from '#shared/errors';
import { cognitoRmsClients } from '../../functions/agencies/adapters/cognito';
import * as z from 'zod/mini';
import { AGENCIES, AgencySchema, agencyOf, agencyOfTown, MUNICIPALITIES, STATE_AGENCIES } from '../../functions/agencies/domain/registry';
import { municipalitiesConnected, withState, type AgencyState } from '../../functions/agencies/domain/state';
import type { AgencyStates } from '../../functions/agencies/ports';
import { connectAgency } from '../../functions/agencies/use-cases/connect';
import { provisionAgency } from '../../functions/agencies/use-cases/provision';
import { LocalClients } from '../../infra/local/clients';
import { LocalUserPoolApi } from '../../infra/local/user-pool-api';
import { DEMO_ORI, DEMO_USERS } from '../../infra/local/users';

/** The registry's table in memory, with the audit events written beside each change. */
function memoryStates(): AgencyStates & { audits: AuditEvent[]; items: Map<string, AgencyState> } {
  const items = new Map<string, AgencyState>();
  const audits: AuditEvent[] = [];
  return {
    items,
    audits,
    all: async () => [...items.values()],
    get: async (ori) => items.get(ori),
    provisioned: async (ori, at, clientId, audit) => {
      if (items.get(ori)?.provisionedAt) return false;
      items.set(ori, { ...items.get(ori), ori, provisionedAt: at, clientId });
      audits.push(audit);
      return true;
    },
    connected: async (ori, at, packetId, audit) => {
      if (items.get(ori)?.connectedAt) return false;
      items.set(ori, { ...items.get(ori), ori, connectedAt: at, firstPacketId: packetId });
      audits.push(audit);
      return true;
    },
  };
}

describe('the agency registry', () => {
  it('lists the 169 municipalities once each, and the state agencies, with valid and unique ORIs', () => {
    expect(MUNICIPALITIES).toHaveLength(169);
    expect(new Set(MUNICIPALITIES).size).toBe(169);
    expect(AGENCIES.filter((a) => a.kind === 'municipal')).toHaveLength(169);
    expect(AGENCIES.filter((a) => a.kind === 'state').map((a) => a.name)).toEqual(STATE_AGENCIES);
    expect(new Set(AGENCIES.map((a) => a.ori)).size).toBe(AGENCIES.length);
    for (const a of AGENCIES) expect(a.ori).toMatch(/^CT\d{5}00$/);
    // The registry is not parsed at cold start (fixed data): this is its check.
    expect(z.array(z.string().check(z.minLength(1))).safeParse(MUNICIPALITIES).success).toBe(true);
    expect(z.array(AgencySchema).safeParse(AGENCIES).error?.issues).toBeUndefined();
  });

  it('gives the demo agency (New Haven) the ORI the demo people already carry', () => {
    expect(agencyOf(DEMO_ORI)).toMatchObject({ town: 'New Haven', kind: 'municipal', name: 'New Haven Police Department' });
    for (const user of DEMO_USERS.filter((u) => u.ori)) expect(agencyOf(user.ori!)?.name).toBe(user.organization);
  });

  it('is deterministic: the other towns follow in alphabetical order, state agencies from 00901', () => {
    expect(agencyOfTown('Andover')?.ori).toBe('CT0000200');
    expect(agencyOfTown('Woodstock')?.ori).toBe('CT0016900');
    expect(AGENCIES.find((a) => a.kind === 'state')?.ori).toBe('CT0090100');
  });

  it('names a town’s own police department only where a source does, and says nothing of the others', () => {
    expect(agencyOfTown('Hartford')).toMatchObject({ name: 'Hartford Police Department', policeDepartment: true });
    expect(agencyOfTown('Andover')).toEqual({ ori: 'CT0000200', name: 'Andover police', kind: 'municipal', town: 'Andover' });
  });

  it('counts municipalities connected as of a time, and state agencies not among them', () => {
    const states = [
      { ori: DEMO_ORI, connectedAt: '2026-12-01T10:00:00.000Z' },
      { ori: agencyOfTown('Hamden')!.ori, connectedAt: '2026-12-20T10:00:00.000Z' },
      { ori: 'CT0090100', connectedAt: '2026-12-01T10:00:00.000Z' },
    ];
    const agencies = withState(AGENCIES, states);
    expect(municipalitiesConnected(agencies, '2026-12-10T00:00:00.000Z')).toEqual({ connected: 1, total: 169, share: 1 / 169 });
    expect(municipalitiesConnected(agencies, '2026-12-31T00:00:00.000Z')).toEqual({ connected: 2, total: 169, share: 2 / 169 });
  });
});

describe('provisioning an agency', () => {
  const ori = agencyOfTown('Hamden')!.ori;

  it('makes its RMS client once, records when with AgencyProvisioned (ids only), and answers the secret', async () => {
    const states = memoryStates();
    const made: string[] = [];
    const ports = { states, clients: { create: async (o: string) => (made.push(o), { clientId: 'client-1', clientSecret: 'secret-1' }) }, now: () => '2026-12-01T09:00:00.000Z' };
    const out = await provisionAgency({ ori, actor: 'cchrs-unit' }, ports);
    expect(out).toMatchObject({ clientId: 'client-1', clientSecret: 'secret-1', provisionedAt: '2026-12-01T09:00:00.000Z' });
    expect(states.audits).toEqual([expect.objectContaining({ type: 'AgencyProvisioned', actor: 'cchrs-unit', subject: { type: 'agency', id: ori }, details: { clientId: 'client-1', kind: 'municipal' } })]);
    expect(JSON.stringify(states.audits)).not.toContain('secret-1');
    await expect(provisionAgency({ ori, actor: 'cchrs-unit' }, ports)).rejects.toThrow(Conflict);
    expect(made).toEqual([ori]);
  });

  it('refuses an ORI outside the registry, naming it, and makes no client', async () => {
    const create = jest.fn(async () => ({ clientId: 'x', clientSecret: 'y' }));
    await expect(provisionAgency({ ori: 'CT0099900', actor: 'cchrs-unit' }, { states: memoryStates(), clients: { create }, now: () => '2026-12-01T09:00:00.000Z' })).rejects.toThrow(new NotFound('Agency CT0099900 is not in the registry (GET /agencies lists them)'));
    expect(create).not.toHaveBeenCalled();
  });
});

describe('connecting an agency', () => {
  it('marks it connected at its first packet, once, with AgencyConnected; a later packet changes nothing', async () => {
    const states = memoryStates();
    expect(await connectAgency({ ori: DEMO_ORI, packetId: 'ap-1', receivedAt: '2026-12-01T10:00:00.000Z' }, { states })).toEqual({ connected: true, ori: DEMO_ORI, at: '2026-12-01T10:00:00.000Z' });
    expect(await connectAgency({ ori: DEMO_ORI, packetId: 'ap-2', receivedAt: '2026-12-02T10:00:00.000Z' }, { states })).toEqual({ connected: false, reason: 'already connected' });
    expect(states.items.get(DEMO_ORI)).toEqual({ ori: DEMO_ORI, connectedAt: '2026-12-01T10:00:00.000Z', firstPacketId: 'ap-1' });
    expect(states.audits.map((a) => [a.type, a.actor, a.subject.id, a.details])).toEqual([['AgencyConnected', 'system', DEMO_ORI, { packetId: 'ap-1', kind: 'municipal' }]]);
  });

  it('makes no request for an agency this warm function has seen connected, whether it connected it or found it connected', async () => {
    const states = memoryStates();
    const connected = jest.spyOn(states, 'connected');
    const seen = new Set<string>();
    states.items.set('CT0000200', { ori: 'CT0000200', connectedAt: '2026-11-01T10:00:00.000Z', firstPacketId: 'ap-0' });
    expect(await connectAgency({ ori: DEMO_ORI, packetId: 'ap-1', receivedAt: '2026-12-01T10:00:00.000Z' }, { states, seen })).toEqual({ connected: true, ori: DEMO_ORI, at: '2026-12-01T10:00:00.000Z' });
    expect(await connectAgency({ ori: 'CT0000200', packetId: 'ap-2', receivedAt: '2026-12-01T10:00:00.000Z' }, { states, seen })).toEqual({ connected: false, reason: 'already connected' });
    expect(connected).toHaveBeenCalledTimes(2);
    expect(await connectAgency({ ori: DEMO_ORI, packetId: 'ap-3', receivedAt: '2026-12-02T10:00:00.000Z' }, { states, seen })).toEqual({ connected: false, reason: 'already connected' });
    expect(await connectAgency({ ori: 'CT0000200', packetId: 'ap-4', receivedAt: '2026-12-02T10:00:00.000Z' }, { states, seen })).toEqual({ connected: false, reason: 'already connected' });
    expect(connected).toHaveBeenCalledTimes(2);
    expect(states.items.get(DEMO_ORI)).toEqual({ ori: DEMO_ORI, connectedAt: '2026-12-01T10:00:00.000Z', firstPacketId: 'ap-1' });
  });

  it('leaves an ORI outside the registry alone', async () => {
    const states = memoryStates();
    expect(await connectAgency({ ori: 'ZZ0000000', packetId: 'ap-1', receivedAt: '2026-12-01T10:00:00.000Z' }, { states })).toEqual({ connected: false, reason: 'not in the registry' });
    expect(states.audits).toEqual([]);
  });
});

describe('the RMS client in Cognito', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  afterEach(() => cognito.reset());

  it('makes a client-credentials client with the API and agency-rms scopes only, and never touches the resource server (its agency is the registry’s map)', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'abc', ClientSecret: 's3cr3t' } });
    const out = await cognitoRmsClients('pool', new CognitoIdentityProviderClient({})).create('CT0007200');
    expect(out).toEqual({ clientId: 'abc', clientSecret: 's3cr3t' });
    expect(cognito.commandCalls(CreateUserPoolClientCommand)[0]?.args[0].input).toMatchObject({
      UserPoolId: 'pool',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['ciss/api', 'ciss/agency-rms'],
    });
    expect(cognito.calls()).toHaveLength(1);
  });
});

describe("the local user pool's API (the edge's Cognito calls)", () => {
  const create = (scopes: string[]) => ({ UserPoolId: 'local', ClientName: 'rms-ct0006300', GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: scopes });

  it('makes a machine client with the declared scopes, which the issuer then knows by its secret', async () => {
    const clients = LocalClients.load();
    const out = (await new LocalUserPoolApi(() => clients).handle('CreateUserPoolClient', create(['ciss/api', 'ciss/agency-rms']))) as { UserPoolClient: { ClientId: string; ClientSecret: string } };
    expect(clients.authenticate(out.UserPoolClient.ClientId, out.UserPoolClient.ClientSecret)?.scopes).toEqual(['ciss/api', 'ciss/agency-rms']);
  });

  it('refuses a scope the resource server does not declare, as Cognito does, and changes no resource server', async () => {
    const api = new LocalUserPoolApi(() => LocalClients.load());
    await expect(api.handle('CreateUserPoolClient', create(['ciss/api', 'ciss/agency-rms', 'ciss/ori.CT0006300']))).rejects.toMatchObject({ type: 'ScopeDoesNotExistException' });
    await expect(api.handle('UpdateResourceServer', { UserPoolId: 'local', Identifier: 'ciss', Name: 'ciss', Scopes: [] })).rejects.toMatchObject({ type: 'UnknownOperationException' });
  });
});
