import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { AUDIT_RECORD_FIELDS } from '#shared/audit';
import { testClock } from '../target';
import { custodialPacket } from '../../drive/arrest-packet';
import { runLoad, targetOf, type LoadResult, type Target } from '../../drive/load';
import { ended, eventually, givenRuntime, scanAll, stopHarness, type Harness } from './steps';

const DAY_MS = 24 * 3600 * 1000;

/** An arrestee no fixture has, so a hit can only come from what this test sent. */
const ARRESTEE = {
  personName: { givenName: 'Zebulon', middleName: 'Ames', surName: 'Quarterfield' },
  personBirthDate: '1987-03-09',
  address: { streetFullText: '77 Wyllys Lane', cityName: 'Wethersfield', stateCode: 'CT', postalCode: '06109' },
  stateIdentification: 'CT07654321',
};

interface TaskView {
  readonly taskId: string;
  readonly step: string;
  readonly status: string;
  readonly reminder: number;
  readonly subject: { readonly id: string };
}

type Item = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim().length >= 3 ? v : undefined);

/**
 * The personal data the suite sent, as the main table keeps it (where it may be erased): the
 * arrestees' and officers' names, dates of birth, addresses and state ids, and the employees'
 * names, e-mails and business justifications.
 */
function personalData(main: readonly Item[]): Map<string, string> {
  const found = new Map<string, string>();
  const add = (value: unknown, what: string) => {
    const s = str(value);
    if (s) found.set(s, what);
  };
  for (const item of main) {
    const employee = item['employee'] as Item | undefined;
    if (employee) {
      add(employee['fullName'], "an employee's name");
      add(employee['email'], "an employee's e-mail");
      add(item['justification'], 'a justification');
    }
    const packet = item['packet'] as { arrestee?: Item; arrestingOfficer?: Item } | undefined;
    const arrestee = packet?.arrestee;
    if (arrestee) {
      const name = arrestee['personName'] as Item | undefined;
      add(name?.['givenName'], "an arrestee's given name");
      add(name?.['surName'], "an arrestee's surname");
      add(arrestee['personBirthDate'], "an arrestee's date of birth");
      add((arrestee['address'] as Item | undefined)?.['streetFullText'], "an arrestee's address");
      add(arrestee['stateIdentification'], "an arrestee's state id");
      const officer = packet.arrestingOfficer?.['personName'] as Item | undefined;
      add(officer?.['surName'], "an officer's surname");
    }
  }
  return found;
}

/** Every string in a value, with where it is. */
function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Issue 13, "personal data in the immutable audit trail": both workflows run on the runtime
 * (arrest packets to AVAILABLE; access requests to ACTIVE, DENIED and PASSWORD_EXPIRED, with
 * first logons), and around them a task read, a denied read, a read of no task, a task cancelled
 * by a stopped execution, a task expired after its last reminder, a link to no task (whose id is
 * an arrestee's name) and a machine client's logon. Then every record of the
 * audit table is checked for its shape (only the record's fields; a subject that is its type and
 * id; a source that is an address and a user agent; details that are scalars), and searched for
 * the personal data the suite sent.
 */
describe('the audit trail names records by id and holds no personal data', () => {
  let h: Harness;
  let target: Target;
  let result: LoadResult;
  let records: Item[];
  let main: Item[];
  /** What each step of the run answered, checked in the first test. */
  const answered: Record<string, number | string | undefined> = {};

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${h.runtime.endpoints.api}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'User-Agent': 'audit-shape-test', ...(init.headers ?? {}) } });

  async function submit(incident: string): Promise<string> {
    const p = custodialPacket(incident, h.runtime.clock.now());
    p.arrestee = { ...p.arrestee, ...ARRESTEE };
    const res = await api('/arrests', target.tokens.rms, { method: 'POST', body: JSON.stringify(p) });
    const body = (await res.json()) as { packetId: string };
    if (res.status !== 202) throw new Error(`POST /arrests ${incident}: ${res.status} ${JSON.stringify(body)}`);
    return body.packetId;
  }

  function clerkTask(packetId: string, reminder = 0): Promise<TaskView> {
    return eventually(async () => {
      const { tasks } = (await (await api('/tasks', target.tokens.clerk)).json()) as { tasks: TaskView[] };
      return tasks.find((t) => t.subject.id === packetId && t.reminder === reminder);
    }, `the clerk's task ${reminder} for ${packetId}`, 20_000);
  }

  const executionOf = (packetId: string) => `${target.machines.arrest.replace(':stateMachine:', ':execution:')}:${packetId}-v1`;

  beforeAll(async () => {
    h = await givenRuntime({ clock: testClock({ autoAdvanceMs: 5 * 60_000 }) });
    target = await targetOf(h.runtime);
    result = await runLoad(target, { packets: 2, accessRequests: 5, concurrency: 4, tag: 'shape' });

    // A task read, a denied read (another role's task) and a read of no task; then the execution
    // stops and its task is cancelled.
    const read = await submit('shape-read-cancel');
    const task = await clerkTask(read);
    answered['packet read'] = (await api(`/arrests/${read}`, target.tokens.rms)).status;
    answered['task read'] = (await api(`/tasks/${task.taskId}`, target.tokens.clerk)).status;
    answered['task read by another role'] = (await api(`/tasks/${task.taskId}`, target.tokens.admin)).status;
    answered['read of no task'] = (await api('/tasks/AAAAAAAAAAAAAAAAAAAAAA', target.tokens.clerk)).status;
    await h.sfn.send(new StopExecutionCommand({ executionArn: executionOf(read) }));
    await eventually(async () => {
      const view = (await (await api(`/tasks/${task.taskId}`, target.tokens.clerk)).json()) as TaskView;
      return view.status === 'CANCELLED' ? view : undefined;
    }, 'the stopped execution to cancel its task');

    // Nobody decides: two reminders (each expires the task before), then the last task expires.
    const unanswered = await submit('shape-expire');
    for (const reminder of [0, 1, 2]) {
      await clerkTask(unanswered, reminder);
      await h.runtime.clock.advance(2 * DAY_MS + 60_000);
    }
    answered['unanswered packet'] = (await ended(h.sfn, executionOf(unanswered))).status;

    // A link to no task (refused, audited anonymously) and a machine client's logon.
    answered['link to no task'] = (await fetch(`${h.runtime.endpoints.api}/approvals/${encodeURIComponent('Quarterfield 1987-03-09')}`)).status;
    const client = h.runtime.clients.rmsClient('CT0000100');
    const grant = await fetch(`${h.runtime.endpoints.api}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    answered['machine logon'] = grant.status;

    [records, main] = await Promise.all([scanAll(h, [target.tables.audit]), scanAll(h, [target.tables.main])]);
  }, 240_000);
  afterAll(() => stopHarness(h));

  it('read what both workflows and the task reads, cancels and expiries wrote', () => {
    expect(answered).toEqual({ 'packet read': 200, 'task read': 200, 'task read by another role': 404, 'read of no task': 404, 'unanswered packet': 'FAILED', 'link to no task': 404, 'machine logon': 200 });
    expect(result.requests.map((r) => r.path).sort()).toEqual(['active', 'active', 'active', 'denied', 'expired']);
    expect(records.length).toBeGreaterThan(50);
    const kinds = new Set(records.map((r) => `${String(r['type'])}:${String(r['outcome'])}`));
    const wanted = [
      'TaskRead:success',
      'TaskRead:denied',
      'TaskRead:failure',
      'TaskCancelled:success',
      'TaskExpired:success',
      'TaskDecided:success',
      'AccessRequestStatusChanged:success',
      'FirstLoginAttempt:success',
      'ArrestPacketRead:success',
      'ApprovalLinkRefused:failure',
      'Logon:success',
    ];
    expect(wanted.filter((k) => !kinds.has(k))).toEqual([]);
  });

  it('writes only the record fields, a subject of exactly type and id, a source of address and user agent, scalar details', () => {
    const problems: string[] = [];
    for (const r of records) {
      const name = `${String(r['type'])} ${String(r['sk'])}`;
      const extra = Object.keys(r).filter((k) => !(AUDIT_RECORD_FIELDS as readonly string[]).includes(k));
      if (extra.length) problems.push(`${name}: fields ${extra.join(', ')}`);
      const subject = r['subject'] as Item | undefined;
      if (!subject || Object.keys(subject).sort().join(',') !== 'id,type' || typeof subject['id'] !== 'string' || typeof subject['type'] !== 'string') problems.push(`${name}: subject ${JSON.stringify(subject)}`);
      const source = r['source'] as Item | undefined;
      if (source !== undefined && Object.keys(source).some((k) => k !== 'ip' && k !== 'userAgent')) problems.push(`${name}: source ${JSON.stringify(source)}`);
      const details = r['details'] as Item | undefined;
      for (const [k, v] of Object.entries(details ?? {})) if (v !== null && typeof v === 'object') problems.push(`${name}: details.${k} is an object`);
    }
    expect(problems).toEqual([]);
  });

  it('holds none of the names, dates of birth, addresses, e-mails or justifications the suite sent', () => {
    const sent = personalData(main);
    // The search looks for what was really sent: this test's own arrestee and the workflows' employees.
    expect([...sent.keys()]).toEqual(expect.arrayContaining([ARRESTEE.personName.surName, ARRESTEE.personBirthDate, ARRESTEE.address.streetFullText]));
    expect([...sent.values()]).toEqual(expect.arrayContaining(["an employee's e-mail", 'a justification']));
    const patterns = [...sent].map(([value, what]) => ({ what, re: new RegExp(`(^|[^A-Za-z0-9])${escape(value)}($|[^A-Za-z0-9])`) }));
    const leaks = new Set<string>();
    for (const r of records) {
      for (const [path, text] of strings(r)) for (const p of patterns) if (p.re.test(text)) leaks.add(`${p.what} in ${String(r['type'])}${path}`);
    }
    expect([...leaks].sort()).toEqual([]);
  });
});
