import { AuditSubject, type AuditSource } from '#shared/audit';
import { Conflict, NotFound } from '#shared/errors';
import { agencyOf, type Agency } from '../domain/registry';
import type { AgencyStates, RmsClients } from '../ports';

export interface ProvisionPorts {
  readonly states: AgencyStates;
  readonly clients: RmsClients;
  readonly now: () => string;
}

export interface Provisioned {
  readonly agency: Agency;
  readonly clientId: string;
  /** Shown once, here; never stored by the registry. */
  readonly clientSecret: string;
  readonly provisionedAt: string;
}

const conflict = (ori: string, at: string, clientId: string | undefined) =>
  new Conflict(`Agency ${ori} was provisioned at ${at}${clientId ? ` (RMS client ${clientId})` : ''}; its RMS client is made once. Ask operations to rotate its secret in the identity provider.`);

/**
 * POST /agencies/{ori}/rms-client (the unit): provisions an agency.
 * 1. the agency is in the registry (404 naming the ORI otherwise)
 * 2. not provisioned before (409 saying when, and with which client)
 * 3. make its RMS machine client in the identity provider (Cognito in AWS, the local issuer)
 * 4. record when, and the client's id, with `AgencyProvisioned` in one transaction; the secret is
 *    answered once and kept nowhere here
 */
export async function provisionAgency(input: { readonly ori: string; readonly actor: string; readonly source?: AuditSource }, ports: ProvisionPorts): Promise<Provisioned> {
  const agency = agencyOf(input.ori);
  if (!agency) throw new NotFound(`Agency ${input.ori} is not in the registry (GET /agencies lists them)`);
  const before = await ports.states.get(agency.ori);
  if (before?.provisionedAt) throw conflict(agency.ori, before.provisionedAt, before.clientId);
  const { clientId, clientSecret } = await ports.clients.create(agency.ori);
  const at = ports.now();
  const recorded = await ports.states.provisioned(agency.ori, at, clientId, {
    type: 'AgencyProvisioned',
    outcome: 'success',
    actor: input.actor,
    component: 'agencies',
    subject: AuditSubject.of('agency', agency.ori),
    source: input.source,
    details: { clientId, kind: agency.kind },
  });
  if (!recorded) {
    // Provisioned by someone else between the read and the write: theirs stands.
    const now = await ports.states.get(agency.ori);
    throw conflict(agency.ori, now?.provisionedAt ?? at, now?.clientId);
  }
  return { agency, clientId, clientSecret, provisionedAt: at };
}
