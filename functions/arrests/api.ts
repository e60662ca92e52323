import { routes } from '#infra/manifest';
import { z } from 'zod';
import { open, secretBytes } from '#shared/adapters/keys';
import { sendTaskSuccess, WorkflowGone } from '#shared/adapters/workflow';
import { AuditSubject, sourceOf } from '#shared/audit';
import { Cursors, cursorParam, DynamoKeySchema, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { Conflict, Forbidden, NotFound, PayloadTooLarge, ValidationFailed } from '#shared/errors';
import { COURT_ROLE, courtIdOf } from '#shared/courts';
import { type ApiEvent, apiHandler, type Caller, json, parseJsonBody, parseWith } from '#shared/http';
import { wellFormedId } from '#shared/ids';
import { withMessage } from '#shared/messages';
import { correlate, logger } from '#shared/observability';
import { nowIso } from '#shared/time';
import type { Role } from '#shared/roles';
import { publishStatusEvent } from './adapters/events';
import { SUBJECT_TYPE, type PacketRecord, type PacketView } from './adapters/packet-store';
import { executionArnOf, startPacketExecution, stopPacketExecution } from './adapters/workflow';
import { chargesInWords } from './domain/charges';
import { ArrestPacketSchema, contentHash, executionNameOf, MAX_PACKET_BYTES, OriSchema, packetIdOf, type ArrestPacket } from './domain/packet';
import { AMENDABLE, CURRENT_STEP, PUBLISHED, STATUSES } from './domain/status';
import { env, store } from './ports';

const api = loadEnv({ ARREST_MACHINE_ARN: nonEmpty, TASK_TOKEN_KEY_ID: nonEmpty, PUBLIC_API_URL: nonEmpty, CURSOR_KEY_SECRET_ID: nonEmpty, PACKET_ID_KEY_SECRET_ID: nonEmpty });
const cursors = new Cursors(secretCursorKeys(api.CURSOR_KEY_SECRET_ID));
/** The key packet ids are derived with (never rotated: a retried packet must get the same id). */
const packetIdKey = () => secretBytes(api.PACKET_ID_KEY_SECRET_ID);

/** Roles that act for one agency: they see that agency's packets, at every stage, and no other. */
const AGENCY_ROLES: readonly Role[] = ['agency-rms', 'agency-admin'];
/** Roles of the wider justice community: they see a packet once it is available (step 6). */
const COMMUNITY_ROLES: readonly Role[] = ['community', 'unit'];
/** Court clerks: the packets arraigned in their courts (`custom:courts`), at every stage, and no other. */
const COURT_ROLES: readonly Role[] = [COURT_ROLE];
/** Prosecution, judiciary, operations and audit: every packet at every stage. */
const JUSTICE_ROLES: readonly Role[] = ['dcj', 'judicial', 'operations', 'auditor'];

export const DISPOSITIONS = ['guilty', 'guilty-lesser-offense', 'not-guilty', 'nolle', 'dismissed', 'diversionary-program'] as const;
export const AdjudicationSchema = z.object({
  dispositions: z
    .array(
      z.object({
        chargeSequenceID: z.number().int().min(1),
        disposition: z.enum(DISPOSITIONS, { message: `must be one of: ${DISPOSITIONS.join(', ')}` }),
        dispositionDate: z.iso.date('must be a date, YYYY-MM-DD'),
      }),
    )
    .min(1, 'must give the disposition of every charge'),
});

const ListQuery = z.object({
  status: z.enum(STATUSES, { message: `must be one of: ${STATUSES.join(', ')}` }).optional(),
  ori: OriSchema.optional(),
  from: z.iso.date('must be a date, YYYY-MM-DD').optional(),
  to: z.iso.date('must be a date, YYYY-MM-DD').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const has = (caller: Caller, roles: readonly Role[]) => caller.roles.some((r) => roles.includes(r));

/**
 * Whether the caller may see this packet now. An agency sees only its own packets, a court clerk
 * only those of their courts; seeing another's is answered exactly as a missing packet (404), so
 * packet ids do not reveal which agencies arrested whom (a 403 would confirm that the packet exists).
 */
export function maySee(caller: Caller, packet: Pick<PacketRecord, 'ori' | 'status' | 'packet'>): boolean {
  if (has(caller, JUSTICE_ROLES)) return true;
  if (has(caller, AGENCY_ROLES) && caller.ori === packet.ori) return true;
  if (has(caller, COURT_ROLES) && caller.courts.includes(courtIdOf(packet.packet.court.gaNumber))) return true;
  return has(caller, COMMUNITY_ROLES) && PUBLISHED.includes(packet.status);
}


/** Absolute, as an access request's is: a client follows it as it is. */
const statusUrl = (packetId: string) => `${api.PUBLIC_API_URL}/arrests/${packetId}`;

function summary(p: PacketRecord) {
  return { packetId: p.packetId, version: p.version, status: p.status, currentStep: CURRENT_STEP[p.status], ori: p.ori, incidentNumber: p.incidentNumber, receivedAt: p.receivedAt, updatedAt: p.updatedAt, statusUrl: statusUrl(p.packetId) };
}

/** The body, refused over the limit before it is parsed. */
function packetBody(event: ApiEvent): ArrestPacket {
  const bytes = event.body ? Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : 0;
  if (bytes > MAX_PACKET_BYTES) throw new PayloadTooLarge(`An arrest packet may be at most ${MAX_PACKET_BYTES / 1024} KB; this one is ${Math.ceil(bytes / 1024)} KB`);
  return parseJsonBody(event, ArrestPacketSchema);
}

function checkOri(caller: Caller, packet: ArrestPacket): void {
  if (!caller.ori) throw new Forbidden('Your token names no agency (ORI)');
  if (packet.agency.ori !== caller.ori) throw new Forbidden(`The packet's agency.ori ${packet.agency.ori} is not your agency (${caller.ori})`);
}

/** A packet the caller may see, or 404 exactly as for a missing one (both attempts are audited). */
async function visiblePacket(event: ApiEvent): Promise<PacketRecord> {
  // A malformed id cannot name a packet: answered as a missing one, without reading the table
  // (and audited without it: a path value of any length is not an id to keep).
  const packetId = wellFormedId('packet', event.pathParameters?.['packetId']);
  const packet = packetId ? await store.get(packetId) : undefined;
  if (packet && maySee(event.caller, packet)) return packet;
  // Another agency's packet and a missing one are both audited, alike: the same answer, the same work.
  await store.audit({
    type: 'ArrestPacketRead',
    outcome: packet ? 'denied' : 'failure',
    actor: event.caller.username,
    component: 'arrests',
    subject: AuditSubject.of(SUBJECT_TYPE, packetId ?? '(malformed)'),
    source: sourceOf(event),
    details: { route: event.resource },
  });
  throw new NotFound(packetId ? `No arrest packet ${packetId}` : 'No such arrest packet');
}

async function start(packet: PacketRecord): Promise<void> {
  correlate({ packetId: packet.packetId });
  const executionArn = await startPacketExecution(api.ARREST_MACHINE_ARN, packet.executionName, { packetId: packet.packetId, version: packet.version });
  correlate({ executionArn });
}

/**
 * POST /arrests.
 * 1. refuse a body over the limit (413), a packet that fails the schema (400, every problem),
 *    one for another agency (403)
 * 2. derive the packet id from (ORI, incident number); store version 1 RECEIVED, once
 * 3. the same packet again → 200 with its id; a different one under the key → 409
 * 4. start the execution under a name derived from the packet (a retried start is the same one)
 */
async function receive(event: ApiEvent) {
  const body = packetBody(event);
  checkOri(event.caller, body);
  const packetId = packetIdOf(await packetIdKey(), body.agency.ori, body.incidentNumber);
  const hash = contentHash(body);
  const now = nowIso();
  const record: PacketRecord = {
    packetId,
    version: 1,
    status: 'RECEIVED',
    ori: body.agency.ori,
    incidentNumber: body.incidentNumber,
    contentHash: hash,
    packet: body,
    receivedAt: now,
    updatedAt: now,
    executionName: executionNameOf(packetId, 1),
  };
  const created = await store.create(record, {
    type: 'ArrestPacketReceived',
    outcome: 'success',
    actor: event.caller.username,
    component: 'arrests',
    subject: AuditSubject.of(SUBJECT_TYPE, packetId),
    source: sourceOf(event),
    details: { from: null, to: 'RECEIVED', version: 1 },
  });
  if (!created) {
    const existing = await store.mustGet(packetId);
    const versions = await store.versions(packetId);
    const same = versions.find((v) => v.contentHash === hash);
    if (!same) {
      throw new Conflict(
        `Agency ${body.agency.ori} already sent incident ${body.incidentNumber} as packet ${packetId} (${statusUrl(packetId)}) with different content; send a change as a new version, POST ${statusUrl(packetId)}/versions`,
      );
    }
    // A retry: the first attempt may have stopped between storing and starting, or before it
    // announced the packet (its execution may be well on by now). Events are at least once, and
    // consumers key on packet, version and status, so the retry announces the packet again:
    // a repeated event is harmless, a lost one is not.
    if (existing.status === 'RECEIVED') await start(existing);
    await publishStatusEvent(env.EVENT_BUS_NAME, { ...existing, version: same.version, status: 'RECEIVED', updatedAt: same.receivedAt });
    return json(200, summary(existing), { Location: statusUrl(packetId) });
  }
  await start(record);
  await publishStatusEvent(env.EVENT_BUS_NAME, record);
  return json(202, summary(record), { Location: statusUrl(packetId) });
}

/**
 * POST /arrests/{packetId}/versions: a new version of a packet not yet accepted. The execution
 * of the old version is stopped (its clerk task is cancelled) and one for the new version starts.
 */
async function amend(event: ApiEvent) {
  // The packet first: an id that names no packet the caller may see is 404, whatever the body.
  const current = await visiblePacket(event);
  const body = packetBody(event);
  if (!has(event.caller, AGENCY_ROLES) || event.caller.ori !== current.ori) throw new NotFound(`No arrest packet ${current.packetId}`);
  checkOri(event.caller, body);
  if (body.incidentNumber !== current.incidentNumber) {
    throw new ValidationFailed([{ field: 'incidentNumber', rule: `must stay ${current.incidentNumber}: a different incident is a new packet (POST /arrests)` }]);
  }
  const hash = contentHash(body);
  if (hash === current.contentHash) {
    if (current.status === 'RECEIVED') await start(current);
    return json(200, summary(current), { Location: statusUrl(current.packetId) });
  }
  if (!AMENDABLE.includes(current.status)) throw new Conflict(`Packet ${current.packetId} is ${current.status}: only a packet not yet accepted can be amended`);
  const version = current.version + 1;
  const now = nowIso();
  const amended = await store.amend(
    current,
    body,
    hash,
    executionNameOf(current.packetId, version),
    {
      type: 'ArrestPacketReceived',
      outcome: 'success',
      actor: event.caller.username,
      component: 'arrests',
      subject: AuditSubject.of(SUBJECT_TYPE, current.packetId),
      source: sourceOf(event),
      details: { from: current.status, to: 'RECEIVED', version },
    },
    now,
  );
  await stopPacketExecution(executionArnOf(api.ARREST_MACHINE_ARN, current.executionName), `Superseded by version ${version}`);
  await start(amended);
  await publishStatusEvent(env.EVENT_BUS_NAME, amended);
  return json(202, summary(amended), { Location: statusUrl(current.packetId) });
}

/** GET /arrests/{packetId}: the packet, where it stands, and its timeline. */
async function read(event: ApiEvent) {
  const packet = await visiblePacket(event);
  const [trail, versions] = await Promise.all([store.timeline(packet.packetId), store.versions(packet.packetId)]);
  await store.audit({ type: 'ArrestPacketRead', outcome: 'success', actor: event.caller.username, component: 'arrests', subject: AuditSubject.of(SUBJECT_TYPE, packet.packetId), source: sourceOf(event), details: { status: packet.status } });
  const timeline = trail
    .filter((e) => e['type'] !== 'ArrestPacketRead')
    .map((e) => ({ at: e['at'], type: e['type'], actor: e['actor'], outcome: e['outcome'], details: e['details'] ?? {} }));
  const operational = !has(event.caller, COMMUNITY_ROLES) || has(event.caller, [...JUSTICE_ROLES, ...COURT_ROLES, ...AGENCY_ROLES]);
  return json(200, {
    ...summary(packet),
    problems: (packet.problems ?? []).map(withMessage),
    warnings: (packet.warnings ?? []).map(withMessage),
    charges: chargesInWords(packet.packet),
    decidedBy: packet.decidedBy ?? null,
    returnReason: packet.returnReason ?? null,
    docketNumber: packet.docketNumber ?? null,
    agencyNotifiedAt: packet.agencyNotifiedAt ?? null,
    dispositions: packet.dispositions ?? null,
    adjudicatedAt: packet.adjudicatedAt ?? null,
    packet: packet.packet,
    versions,
    timeline,
    ...(operational ? { execution: { current: executionArnOf(api.ARREST_MACHINE_ARN, packet.executionName), waitingForAdjudication: packet.waitingExecutionArn ?? null } } : {}),
  });
}

/**
 * Which packets the caller may list: every one (court, prosecution, operations, audit), its own
 * agency's (agency roles), or those published (community, unit). A caller with several roles
 * gets the first of these that applies, not their union; `maySee` still checks each packet.
 */
function viewOf(caller: Caller): PacketView {
  if (has(caller, JUSTICE_ROLES)) return { kind: 'all' };
  if (has(caller, AGENCY_ROLES)) {
    if (!caller.ori) throw new Forbidden('Your token names no agency (ORI)');
    return { kind: 'agency', ori: caller.ori };
  }
  if (has(caller, COURT_ROLES)) return { kind: 'courts', gaNumbers: caller.courts.map((id) => Number(id.slice(2))) };
  return { kind: 'published' };
}

/**
 * GET /arrests?status=&ori=&from=&to=&limit=&nextToken=: one page of the packets the caller may
 * see, newest first; with no filter, all of them. The view is part of the query, so hidden
 * packets are neither on a page nor behind its cursor (sealed, bound to the query and caller).
 */
async function list(event: ApiEvent) {
  const query = parseWith(ListQuery, event.queryStringParameters ?? {});
  const caller = event.caller;
  const view = viewOf(caller);
  if (view.kind === 'agency' && query.ori && query.ori !== view.ori) throw new Forbidden(`You may list only your agency's packets (${view.ori})`);
  const scope = { list: 'arrests', caller, query: { status: query.status, ori: query.ori, from: query.from, to: query.to } };
  const { token, param } = cursorParam(event.queryStringParameters);
  const start = await cursors.open(token, scope, DynamoKeySchema, param);
  const page = await store.list(view, query, start);
  return json(200, { packets: page.items.filter((p) => maySee(caller, p)).map(summary), nextToken: await cursors.seal(scope, page.next) });
}

/**
 * POST /arrests/{packetId}/adjudication (Judicial), step 7.
 * 1. the disposition of every charge, and of no other
 * 2. AVAILABLE → ADJUDICATED with the dispositions, one write with its audit event, and its event
 * 3. wake whichever execution waits (its sealed token is on the packet). If none waits at this
 *    moment (a continue-as-new in between), the next one finds the packet adjudicated and archives it.
 */
async function adjudicate(event: ApiEvent) {
  const packet = await visiblePacket(event);
  const body = parseJsonBody(event, AdjudicationSchema);
  const sequences = packet.packet.charges.map((c) => c.chargeSequenceID);
  const given = body.dispositions.map((d) => d.chargeSequenceID);
  const problems = [
    ...sequences.filter((s) => !given.includes(s)).map((s) => ({ field: 'dispositions', rule: `must give a disposition for the charge with chargeSequenceID ${s}` })),
    ...given.filter((s, i) => !sequences.includes(s) || given.indexOf(s) !== i).map((s) => ({ field: 'dispositions', rule: `must give each charge of this packet once; chargeSequenceID ${s} is not one of them, or is given twice` })),
  ];
  if (problems.length > 0) throw new ValidationFailed(problems);
  if (packet.status === 'ADJUDICATED' || packet.status === 'HISTORICAL') {
    if (JSON.stringify(packet.dispositions) !== JSON.stringify(body.dispositions)) throw new Conflict(`Packet ${packet.packetId} was already adjudicated on ${packet.adjudicatedAt ?? '?'}`);
    // A retry: the first attempt may have stopped before it woke the waiting execution.
    if (packet.status === 'ADJUDICATED') await wakeWaitingExecution(packet.packetId, body, packet.adjudicatedAt ?? nowIso(), event.caller.username);
    return json(200, summary(packet));
  }
  if (packet.status !== 'AVAILABLE') throw new Conflict(`Packet ${packet.packetId} is ${packet.status}: it can be adjudicated once it is AVAILABLE`);
  const now = nowIso();
  const { packet: adjudicated } = await store.transition({
    packetId: packet.packetId,
    version: packet.version,
    to: 'ADJUDICATED',
    actor: event.caller.username,
    set: { dispositions: body.dispositions, adjudicatedAt: now },
    details: { charges: body.dispositions.length },
    now,
  });
  await publishStatusEvent(env.EVENT_BUS_NAME, adjudicated, { dispositions: body.dispositions.map((d) => ({ chargeSequenceID: d.chargeSequenceID, disposition: d.disposition })) });
  await wakeWaitingExecution(packet.packetId, body, now, event.caller.username);
  return json(202, summary(adjudicated), { Location: statusUrl(packet.packetId) });
}

/** Hands the adjudication to the execution that waits for it, if one waits now. */
async function wakeWaitingExecution(packetId: string, body: z.infer<typeof AdjudicationSchema>, adjudicatedAt: string, adjudicatedBy: string): Promise<void> {
  const waiting = await store.mustGet(packetId);
  if (!waiting.sealedAdjudicationToken) return;
  try {
    const token = await open(waiting.sealedAdjudicationToken, { purpose: 'adjudication-token', packetId });
    await sendTaskSuccess(token, { dispositions: body.dispositions, adjudicatedAt, adjudicatedBy });
  } catch (error) {
    if (!(error instanceof WorkflowGone)) throw error;
    logger.warn('no execution waits for this adjudication now; the next one will archive the packet', { packetId });
  }
}

/** The arrests API; the routes and their roles are in the manifest. */
export const handler = apiHandler(async (event) => {
  const route = `${event.httpMethod} ${event.resource}`;
  switch (route) {
    case 'POST /arrests':
      return receive(event);
    case 'GET /arrests':
      return list(event);
    case 'GET /arrests/{packetId}':
      return read(event);
    case 'POST /arrests/{packetId}/versions':
      return amend(event);
    case 'POST /arrests/{packetId}/adjudication':
      return adjudicate(event);
    default:
      throw new NotFound(`No route ${route}`);
  }
}, { routes, courtScoped: true });
