import { SEARCH_ROLE } from '#shared/roles';
import { certificationAudit } from '../domain/audit';
import type { Certification } from '../domain/certification';
import type { ExamRules } from '../domain/exam';
import type { RoleGrants, StartWorkflow, Store } from '../ports';
import { CERTIFICATION_DAYS } from './steps';
import { connecticutDate } from '#shared/time';

const DAY_MS = 86_400_000;

/** What names the seed on every record it writes: nobody takes a seeded certification for an exam passed. */
export const DEMO_SEED = 'local demo seed (infra/local/users.ts DEMO_CERTIFIED)';

/** A person the local runtime's demo starts certified: their e-mail, name and the agency the certification is recorded under. */
export interface SeededPerson {
  readonly email: string;
  readonly fullName: string;
  readonly ori: string;
}

export interface SeedPorts {
  readonly store: Pick<Store, 'create' | 'openFor' | 'get'>;
  readonly grants: Pick<RoleGrants, 'grant'>;
  /** Starts the certification machine's execution called `name`. */
  readonly start: StartWorkflow;
  readonly now: () => string;
  readonly newId: (at: string) => string;
  readonly rules: ExamRules;
}

/**
 * The local demo's searchers, certified as the lifecycle leaves a certification after its grant,
 * and marked as seeded everywhere (the certification, its grant, its audit event) — the `search`
 * role is never given by hand (infra/local/users.ts refuses it):
 * 1. nothing new when the person has an open certification already (a restarted runtime keeps its
 *    own; a seeded one without its renewal execution, from an older runtime, gets it)
 * 2. the certification, CERTIFIED for a year from now, with no exam attempt (none was taken) and
 *    the seed named where the Security Awareness Training evidence would be
 * 3. the grant, as the grant step writes it (role, expiry, ACTIVE), marked seeded
 * 4. the renewal continuation the grant step starts (`<id>-renewal`): the reminders 30 and 7 days
 *    before expiry and the lapse run on it as on any certification
 */
export async function seedCertification(ports: SeedPorts, person: SeededPerson): Promise<{ certificationId: string; expiresAt: string } | undefined> {
  const email = person.email.toLowerCase();
  const open = await ports.store.openFor(email);
  if (open) {
    // A restart keeps its own, and gives a seeded one the renewal execution an older runtime did
    // not start (the same name and input: one running or ended already is left as it is).
    const kept = await ports.store.get(open);
    if (kept?.seeded && kept.status === 'CERTIFIED' && kept.expiresAt) await startRenewal(ports, kept.certificationId, kept.expiresAt);
    return undefined;
  }
  const at = ports.now();
  const expiresAt = new Date(Date.parse(at) + CERTIFICATION_DAYS * DAY_MS).toISOString();
  const certificationId = ports.newId(at);
  const certification: Certification = {
    certificationId,
    status: 'CERTIFIED',
    ori: person.ori,
    employee: { fullName: person.fullName, email },
    requestedBy: { username: 'local-seed' },
    awareness: { requestId: 'seeded', completedOn: connecticutDate(at), recordId: 'seeded' },
    rules: ports.rules,
    attempts: [],
    grantedAt: at,
    expiresAt,
    seeded: DEMO_SEED,
    createdAt: at,
    updatedAt: at,
  };
  await ports.store.create(certification, certificationAudit(certificationId, 'SearchCertificationSeeded', 'local-seed', { to: 'CERTIFIED', role: SEARCH_ROLE, expiresAt }));
  await ports.grants.grant({ email, role: SEARCH_ROLE, certificationId, grantedAt: at, expiresAt, status: 'ACTIVE', seeded: DEMO_SEED });
  await startRenewal(ports, certificationId, expiresAt);
  return { certificationId, expiresAt };
}

/** The continuation the grant step starts (`<id>-renewal`): reminders 30 and 7 days before expiry, then the lapse. */
async function startRenewal(ports: Pick<SeedPorts, 'start'>, certificationId: string, expiresAt: string): Promise<void> {
  const before = (days: number) => new Date(Date.parse(expiresAt) - days * DAY_MS).toISOString();
  await ports.start(`${certificationId}-renewal`, { certificationId, renewal: true, grant: { expiresAt, remind30At: before(30), remind7At: before(7) } });
}
