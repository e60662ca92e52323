import { randomBytes } from 'node:crypto';
import type { SeededPerson } from '../../functions/certification/use-cases/seed';
import { certificationRouteFunctions } from '../manifest/certification';
import type { Clock } from './clock';
import type { DemoUser, SeededCertification } from './users';

/** The exam rules the manifest configures (the seeded certification keeps them, as a request does). */
const rulesEnv = certificationRouteFunctions['certification-create'].env;
const RULES = { passMark: Number(rulesEnv.EXAM_PASS_MARK.value), retakeWaitHours: Number(rulesEnv.EXAM_RETAKE_WAIT_HOURS.value), maxAttempts: Number(rulesEnv.EXAM_MAX_ATTEMPTS.value) };

/** Who each seed certifies: the directory's person, under the seed's agency or their own. */
export function seededPeople(seeds: readonly SeededCertification[], users: readonly DemoUser[]): SeededPerson[] {
  return seeds.map((seed, i) => {
    const user = users.find((u) => u.username === seed.username);
    if (!user) throw new Error(`certified[${i}].username: "${seed.username}" is not a person of the local user pool`);
    const ori = seed.ori ?? user.ori;
    if (!ori) throw new Error(`certified[${i}].ori: ${seed.username} names no agency; give the ORI the certification is recorded under`);
    return { email: user.email, fullName: user.name, ori };
  });
}

/**
 * The demo's CISS Search certifications, written at start-up by the certification area's own
 * seed use case (functions/certification/use-cases/seed.ts) through its own adapters, as the
 * grant step leaves a certification: CERTIFIED for a year, the grant the local issuer reads,
 * the renewal execution that reminds and lapses it. Each is marked seeded. The application's
 * modules are loaded here, once the handlers' environment (endpoints, table names) is set.
 */
export async function seedCertifications(people: readonly SeededPerson[], deps: { readonly tableName: string; readonly machineArn: string; readonly clock: Clock }): Promise<void> {
  if (!people.length) return;
  const [{ seedCertification }, { CertificationStore }, { GrantStore, tableGrants }, { certificationWorkflow }] = await Promise.all([
    import('../../functions/certification/use-cases/seed'),
    import('../../functions/certification/adapters/store'),
    import('../../functions/certification/adapters/grants'),
    import('../../functions/certification/adapters/wiring'),
  ]);
  const ports = {
    store: new CertificationStore(deps.tableName),
    grants: tableGrants(new GrantStore(deps.tableName)),
    start: certificationWorkflow(deps.machineArn),
    now: () => deps.clock.nowIso(),
    newId: (at: string) => `SC-${at.slice(0, 10).replaceAll('-', '')}-${randomBytes(5).toString('hex').toUpperCase()}`,
    rules: RULES,
  };
  for (const person of people) await seedCertification(ports, person);
}
