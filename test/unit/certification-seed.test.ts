/**
 * The `search` role is obtainable only through the certification lifecycle (issue 17): no person
 * of the local user pool may be listed with it, and the demo's searchers are certified by a seed
 * that writes what the lifecycle's grant step leaves (the certification CERTIFIED for a year, the
 * grant, the renewal execution), each marked as seeded.
 */
import type { AuditEvent } from '#shared/audit';
import { Conflict } from '#shared/errors';
import type { Certification } from '../../functions/certification/domain/certification';
import type { RoleGrant } from '../../functions/certification/domain/grant';
import { DEMO_SEED, seedCertification, type SeedPorts } from '../../functions/certification/use-cases/seed';
import { seededPeople } from '../../infra/local/certifications';
import { DEMO_CERTIFIED, DEMO_DCJ_ORI, DEMO_USERS, DemoUserSchema, SEARCH_BY_HAND_RULE, userDirectory } from '../../infra/local/users';

const NOW = '2026-11-30T09:00:00.000Z';
const YEAR_LATER = '2027-11-30T09:00:00.000Z';

describe('nobody is given the search role by hand', () => {
  it('lists no person of the demo user pool with `search`', () => {
    expect(DEMO_USERS.filter((u) => (u.roles as readonly string[]).includes('search')).map((u) => u.username)).toEqual([]);
  });

  it('refuses a user pool that lists anyone with `search`, naming the field and the rule', () => {
    const byHand = { username: 'avery', name: 'Avery Quinn', email: 'avery@dcj.ct.example', roles: ['dcj', 'search'], organization: 'Division of Criminal Justice' };
    const parsed = DemoUserSchema.safeParse(byHand);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['roles'], message: SEARCH_BY_HAND_RULE })]);
    expect(() => userDirectory([...DEMO_USERS, byHand])).toThrow('CISS Search access is obtainable only through the certification lifecycle');
  });

  it('certifies the demo searchers by a seed, each a person of the pool with an agency', () => {
    expect(seededPeople(DEMO_CERTIFIED, DEMO_USERS)).toEqual([
      { email: 'officer@nhpd.ct.example', fullName: 'Officer Rita Alvarez', ori: 'CT0000100' },
      { email: 'prosecutor@dcj.ct.example', fullName: 'Jonah Feld', ori: DEMO_DCJ_ORI },
    ]);
    expect(() => seededPeople([{ username: 'nobody' }], DEMO_USERS)).toThrow('certified[0].username: "nobody" is not a person of the local user pool');
    expect(() => seededPeople([{ username: 'dcj-attorney' }], DEMO_USERS)).toThrow('certified[0].ori: dcj-attorney names no agency');
  });
});

describe('the seed writes what the grant step leaves, marked seeded', () => {
  const setup = (open?: string, kept?: Certification) => {
    const created: { c: Certification; audit: AuditEvent }[] = [];
    const grants: RoleGrant[] = [];
    const started: { name: string; input: unknown }[] = [];
    const ports: SeedPorts = {
      store: {
        openFor: async () => open,
        get: async (id) => (kept?.certificationId === id ? kept : undefined),
        create: async (c, audit) => {
          if (open) throw new Conflict('open');
          created.push({ c, audit });
        },
      },
      grants: { grant: async (g) => void grants.push(g) },
      start: async (name, input) => void started.push({ name, input }),
      now: () => NOW,
      newId: () => 'SC-20261130-00000000AA',
      rules: { passMark: 80, retakeWaitHours: 24, maxAttempts: 3 },
    };
    return { ports, created, grants, started };
  };
  const officer = { email: 'Officer@nhpd.ct.example', fullName: 'Officer Rita Alvarez', ori: 'CT0000100' };

  it('certifies for a year: the certification, the grant and the renewal execution, each naming the seed', async () => {
    const { ports, created, grants, started } = setup();
    await expect(seedCertification(ports, officer)).resolves.toEqual({ certificationId: 'SC-20261130-00000000AA', expiresAt: YEAR_LATER });
    expect(created[0]?.c).toMatchObject({ status: 'CERTIFIED', employee: { email: 'officer@nhpd.ct.example' }, attempts: [], grantedAt: NOW, expiresAt: YEAR_LATER, seeded: DEMO_SEED });
    expect(created[0]?.audit).toMatchObject({ type: 'SearchCertificationSeeded', actor: 'local-seed', details: { to: 'CERTIFIED', role: 'search', expiresAt: YEAR_LATER } });
    expect(JSON.stringify(created[0]?.audit)).not.toContain('officer@');
    expect(grants).toEqual([{ email: 'officer@nhpd.ct.example', role: 'search', certificationId: 'SC-20261130-00000000AA', grantedAt: NOW, expiresAt: YEAR_LATER, status: 'ACTIVE', seeded: DEMO_SEED }]);
    // The same continuation the grant step starts (statemachines/search-certification.ts ContinueRenewalAsNew).
    expect(started).toEqual([
      { name: 'SC-20261130-00000000AA-renewal', input: { certificationId: 'SC-20261130-00000000AA', renewal: true, grant: { expiresAt: YEAR_LATER, remind30At: '2027-10-31T09:00:00.000Z', remind7At: '2027-11-23T09:00:00.000Z' } } },
    ]);
  });

  it('writes nothing for a person who already holds an open certification (a restarted runtime)', async () => {
    const { ports, created, grants, started } = setup('SC-20261001-00000000BB');
    await expect(seedCertification(ports, officer)).resolves.toBeUndefined();
    expect([created, grants, started]).toEqual([[], [], []]);
  });

  it('gives a seeded certification an older runtime left without its renewal execution the same one again (a running or ended one stays as it is)', async () => {
    const first = setup();
    await seedCertification(first.ports, officer);
    const seeded = first.created[0]?.c;
    const { ports, created, grants, started } = setup(seeded?.certificationId, seeded);
    await expect(seedCertification(ports, officer)).resolves.toBeUndefined();
    expect([created, grants]).toEqual([[], []]);
    expect(started).toEqual(first.started);
  });
});
