import { WindowCounter } from '#shared/adapters/rate-limit';
import { recordAudit } from '#shared/audit';
import { REFUSALS_RECORDED_PER_MINUTE } from '../domain/refusals';
import type { LinkPorts } from '../use-cases/links';
import { env } from '../ports';

const counter = new WindowCounter(env.TABLE_NAME, 'approval-link-refused', REFUSALS_RECORDED_PER_MINUTE);

/** Refused approval links: counted per source address and minute in the main table, recorded in the audit trail. */
export const refusals: LinkPorts['refusals'] = { take: (source, now) => counter.take(source, now), limit: counter.limit, record: recordAudit };
