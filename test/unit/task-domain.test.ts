import fc from 'fast-check';
import { choiceProblem, mayDecide, NewTaskSchema, standing } from '../../functions/tasks/domain/task';
import { assertProperty } from './property';
import { aNewTask, aTask, T0 } from './task-fixtures';

const EXPIRES = Date.parse(aTask().expiresAt);
const at = (ms: number) => new Date(ms);

describe('standing', () => {
  it('is pending while PENDING and before the expiry', () => {
    expect(standing(aTask(), at(EXPIRES - 1))).toBe('pending');
  });

  it('is expired for a PENDING task at and after its expiry, even before anything closed it', () => {
    expect(standing(aTask(), at(EXPIRES))).toBe('expired');
    expect(standing(aTask(), at(EXPIRES + 86_400_000))).toBe('expired');
  });

  it('is expired for an EXPIRED task, even before its expiry time', () => {
    expect(standing(aTask({ status: 'EXPIRED' }), T0)).toBe('expired');
  });

  it('is decided for a DECIDED task and cancelled for a CANCELLED one, whatever the time', () => {
    assertProperty(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (offset) => {
        const now = at(EXPIRES + offset);
        return standing(aTask({ status: 'DECIDED' }), now) === 'decided' && standing(aTask({ status: 'CANCELLED' }), now) === 'cancelled';
      }),
    );
  });
});

describe('mayDecide', () => {
  const agencyTask = aTask({ assignee: { role: 'agency-admin', email: 'admin@agency.ct.example', ori: 'CT0000100' } });
  const stateTask = aTask({ assignee: { role: 'unit', email: 'unit@despp.ct.example' } });
  const courtTask = aTask({ assignee: { role: 'court-clerk', email: 'clerk.ga23@jud.ct.example', court: 'GA23' } });

  it('lets a holder of the role decide a state-role task, with or without an ORI of their own', () => {
    expect(mayDecide(stateTask, { roles: ['unit'] })).toBe(true);
    expect(mayDecide(stateTask, { roles: ['dcj', 'unit'], ori: 'CT0000999' })).toBe(true);
  });

  it('refuses a caller without the task role, whatever else they hold', () => {
    expect(mayDecide(stateTask, { roles: ['dcj', 'operations', 'agency-admin'] })).toBe(false);
    expect(mayDecide(stateTask, { roles: [] })).toBe(false);
    expect(mayDecide(agencyTask, { roles: ['court-clerk'], ori: 'CT0000100', courts: ['GA23'] })).toBe(false);
    expect(mayDecide(courtTask, { roles: ['judicial', 'dcj'], courts: ['GA23'] })).toBe(false);
  });

  it('lets the role holder of the same agency decide an agency task', () => {
    expect(mayDecide(agencyTask, { roles: ['agency-admin'], ori: 'CT0000100' })).toBe(true);
  });

  it('refuses the role holder of another agency, or with no agency, an agency task', () => {
    expect(mayDecide(agencyTask, { roles: ['agency-admin'], ori: 'CT0000200' })).toBe(false);
    expect(mayDecide(agencyTask, { roles: ['agency-admin'] })).toBe(false);
  });

  it("lets a clerk of the task's court decide it, also when they act for several courts", () => {
    expect(mayDecide(courtTask, { roles: ['court-clerk'], courts: ['GA23'] })).toBe(true);
    expect(mayDecide(courtTask, { roles: ['court-clerk'], courts: ['GA7', 'GA23'] })).toBe(true);
  });

  it("refuses a clerk of another court, or of none, a court's task", () => {
    expect(mayDecide(courtTask, { roles: ['court-clerk'], courts: ['GA7'] })).toBe(false);
    expect(mayDecide(courtTask, { roles: ['court-clerk'], courts: ['GA2'] })).toBe(false);
    expect(mayDecide(courtTask, { roles: ['court-clerk'], courts: [] })).toBe(false);
    expect(mayDecide(courtTask, { roles: ['court-clerk'] })).toBe(false);
  });

  it('lets no clerk decide by the API a clerk task that names no court (stored before courts were named)', () => {
    const unscoped = aTask({ assignee: { role: 'court-clerk', email: 'clerk.ga23@jud.ct.example' } });
    expect(mayDecide(unscoped, { roles: ['court-clerk'], courts: ['GA23'] })).toBe(false);
  });
});

describe('choiceProblem', () => {
  const task = aTask();

  it('has no problem with a listed choice that needs no comment, comment or not', () => {
    expect(choiceProblem(task, 'approve', undefined)).toBeUndefined();
    expect(choiceProblem(task, 'approve', 'fine')).toBeUndefined();
  });

  it('names the unknown choice and the allowed ones', () => {
    const problem = choiceProblem(task, 'maybe', undefined);

    expect(problem).toContain('"maybe"');
    expect(problem).toContain('approve, reject');
  });

  it('treats choice ids as exact: a differently cased id is unknown', () => {
    expect(choiceProblem(task, 'Approve', undefined)).toContain('approve, reject');
  });

  it('asks for a reason when a comment-required choice has no comment or only white space', () => {
    for (const comment of [undefined, '', '   ', '\n\t ']) expect(choiceProblem(task, 'reject', comment)).toBe('A reason is required to reject');
  });

  it('accepts a comment-required choice with a non-blank comment', () => {
    expect(choiceProblem(task, 'reject', '  duplicate request ')).toBeUndefined();
  });
});

describe('NewTaskSchema', () => {
  const issuesOf = (input: unknown) => {
    const result = NewTaskSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('accepts a well-formed task and fills the defaults (no facts, reminder 0 of 0, no comment needed)', () => {
    const { subject, reminder: _r, maxReminders: _m, ...rest } = aNewTask();
    const input = { ...rest, subject: { type: subject.type, id: subject.id, title: subject.title }, choices: [{ id: 'ok', label: 'OK' }] };

    const parsed = NewTaskSchema.parse(input);

    expect(parsed.subject.facts).toEqual([]);
    expect([parsed.reminder, parsed.maxReminders]).toEqual([0, 0]);
    expect(parsed.choices).toEqual([{ id: 'ok', label: 'OK', commentRequired: false }]);
  });

  it('accepts an agency assignee with a well-formed ORI', () => {
    expect(issuesOf(aNewTask({ assignee: { role: 'agency-admin', email: 'a@agency.ct.example', ori: 'CT0000100' } }))).toEqual([]);
  });

  it.each(['ct0000100', 'CT000010', 'CT00001000', 'C10000100', 'CT-000100'])('rejects the ORI %s, naming assignee.ori', (ori) => {
    expect(issuesOf(aNewTask({ assignee: { role: 'agency-admin', email: 'a@agency.ct.example', ori } }))).toEqual([
      { path: 'assignee.ori', message: expect.stringContaining('2 letters and 7 letters or digits') },
    ]);
  });

  it('requires a court clerk assignee to name the court, and a court to be a GA court', () => {
    expect(issuesOf(aNewTask({ assignee: { role: 'court-clerk', email: 'clerk.ga23@jud.ct.example', court: 'GA23' } }))).toEqual([]);
    expect(issuesOf(aNewTask({ assignee: { role: 'court-clerk', email: 'clerk.ga23@jud.ct.example' } }))).toEqual([{ path: 'assignee.court', message: expect.stringContaining('must name the court') }]);
    for (const court of ['GA24', 'GA0', 'ga23', '23', 'GA023']) {
      expect(issuesOf(aNewTask({ assignee: { role: 'court-clerk', email: 'clerk.ga23@jud.ct.example', court } }))).toEqual([{ path: 'assignee.court', message: expect.stringContaining('GA and its number') }]);
    }
  });

  it.each(['not-an-address', 'a@', '@agency.ct.example', ''])('rejects the e-mail %j, naming assignee.email', (email) => {
    expect(issuesOf(aNewTask({ assignee: { role: 'court-clerk', email, court: 'GA14' } })).map((i) => i.path)).toEqual(['assignee.email']);
  });

  it('rejects a task with no choices, naming choices', () => {
    expect(issuesOf(aNewTask({ choices: [] })).map((i) => i.path)).toEqual(['choices']);
  });

  it('rejects a role that may not decide, naming assignee.role', () => {
    expect(issuesOf({ ...aNewTask(), assignee: { role: 'nobody', email: 'a@b.example' } }).map((i) => i.path)).toEqual(['assignee.role']);
  });

  it('rejects a choice id that is not a short lower-case word, naming the choice', () => {
    expect(issuesOf(aNewTask({ choices: [{ id: 'Approve!', label: 'Approve', commentRequired: false }] }))).toEqual([
      { path: 'choices.0.id', message: 'must be a short lower-case word' },
    ]);
  });

  it('rejects a zero or fractional timeout, naming timeoutSeconds', () => {
    expect(issuesOf(aNewTask({ timeoutSeconds: 0 })).map((i) => i.path)).toEqual(['timeoutSeconds']);
    expect(issuesOf(aNewTask({ timeoutSeconds: 1.5 })).map((i) => i.path)).toEqual(['timeoutSeconds']);
  });
});
