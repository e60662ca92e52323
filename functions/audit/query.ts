import { auditTable, recordAudit, sourceOf } from '#shared/audit';
import { Cursors, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseWith, routeHandler } from '#shared/http';
import { now } from '#shared/time';
import { DynamoAuditTrail } from './adapters/audit-trail';
import { auditQuery } from './routes';
import { AuditQuerySchema, queryAuditTrail, type AuditQueryPorts } from './use-cases/query';

const config = loadEnv({ CURSOR_KEY_SECRET_ID: nonEmpty });

const ports: AuditQueryPorts = { trail: new DynamoAuditTrail(auditTable), cursors: new Cursors(secretCursorKeys(config.CURSOR_KEY_SECRET_ID)), record: recordAudit, now };

/** GET /audit?subjectType=&subject=&actor=&from=&to=&limit=&nextToken=: a page of the audit trail; each query is itself audited. */
export const handler = routeHandler(auditQuery, async (event) => {
  const query = parseWith(AuditQuerySchema, event.queryStringParameters ?? {});
  return json(200, await queryAuditTrail({ caller: event.caller, source: sourceOf(event), query, parameters: event.queryStringParameters }, ports));
});
