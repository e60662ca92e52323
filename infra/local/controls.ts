import * as z from 'zod';
import { ROLES } from '../manifest';
import type { TokenRequest } from './auth';
import type { LocalClients } from './clients';
import type { Clock } from './clock';
import type { CmsSimulator } from './cms';
import { OriSchema } from '../../functions/shared/ids';
import type { LocalEventBridge } from './eventbridge';
import type { LocalScheduler } from './scheduler';

/**
 * `/_local/*` controls for a test harness that reaches the runtime only over HTTP (the e2e
 * suite's external target, `test/target.ts`): what Cognito's admin API, a CloudWatch log query
 * or an EventBridge archive give against a deployed stack, and what only the local runtime can
 * do (read its clock's timers, look into the DCJ CMS simulator). Behind the edge's per-run
 * secret (`X-Ciss-Local-Secret`), on loopback, as every other control but health; a POST must
 * be JSON.
 *
 * - `POST /_local/tokens` `{"roles":["court-clerk"],"courts":["GA23"],"username":"…"}`: a token
 *   minted as `runtime.mintToken` does (through the pre-token trigger).
 * - `POST /_local/rms-clients` `{"ori":"CT0000100"}`: that agency's RMS app client (id, secret).
 * - `POST /_local/exam-provider-client` `{}`: the CISS Search training provider's app client (id, secret).
 * - `GET /_local/clock`: mode, now, and the timers waiting (epoch ms, earliest first).
 * - `GET /_local/events[?source=ciss.arrests]`: every event put on the buses so far.
 * - `POST /_local/schedules/run` `{"schedule":"accounts-sweep"}`: runs that schedule's target now,
 *   on the runtime's clock, and answers with the run once it ended (404: no such schedule).
 * - `GET /_local/cms`: what the CMS simulator received; `POST /_local/cms`
 *   `{"failNext":2}` or `{"down":true}` makes it answer 503.
 */
export type Control = (method: string, url: string, body: string) => Promise<{ status: number; body: unknown } | undefined>;

const TokenRequestSchema = z.strictObject({
  roles: z.array(z.enum(ROLES)).min(1),
  ori: z.string().min(1).optional(),
  courts: z.array(z.string().min(1)).optional(),
  username: z.string().min(1).optional(),
  email: z.string().min(1).optional(),
  expiresIn: z.union([z.string().min(1), z.number()]).optional(),
  issuer: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
  tokenUse: z.enum(['access', 'id']).optional(),
});

const CmsSwitchSchema = z.strictObject({ failNext: z.number().int().min(0).optional(), down: z.boolean().optional() });

/** Parses a control's JSON body with the schema; a 400 names every bad field and its rule. */
function parse<T>(schema: z.ZodType<T>, body: string): { ok: true; value: T } | { ok: false; answer: { status: number; body: unknown } } {
  let json: unknown;
  try {
    json = JSON.parse(body || '{}');
  } catch {
    return { ok: false, answer: { status: 400, body: { message: 'The body is not JSON' } } };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, answer: { status: 400, body: { message: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') } } };
}

/** The controls above, for one runtime; `undefined` for a path that is none of them. */
/** What the controls read of the runtime (`LocalRuntime` has it all). */
export interface ControlledRuntime {
  mintToken(request: TokenRequest): Promise<string>;
  readonly clients: LocalClients;
  readonly eventBridge: LocalEventBridge;
  readonly cms: CmsSimulator;
  readonly clock: Clock;
  readonly scheduler: Pick<LocalScheduler, 'runNow'>;
}

export function localControls(runtime: ControlledRuntime): Control {
  return async (method, url, body) => {
    const { pathname, searchParams } = new URL(url, 'http://localhost');
    if (method === 'POST' && pathname === '/_local/tokens') {
      const request = parse(TokenRequestSchema, body);
      if (!request.ok) return request.answer;
      return { status: 200, body: { token: await runtime.mintToken(request.value) } };
    }
    if (method === 'POST' && pathname === '/_local/rms-clients') {
      const request = parse(z.strictObject({ ori: OriSchema }), body);
      if (!request.ok) return request.answer;
      return { status: 200, body: runtime.clients.rmsClient(request.value.ori) };
    }
    if (method === 'POST' && pathname === '/_local/exam-provider-client') {
      return { status: 200, body: runtime.clients.examProviderClient() };
    }
    if (method === 'GET' && pathname === '/_local/clock') {
      const { clock } = runtime;
      return { status: 200, body: { mode: clock.mode, scale: clock.scale, now: clock.now(), pending: clock.pending() } };
    }
    if (method === 'GET' && pathname === '/_local/events') {
      const source = searchParams.get('source');
      return { status: 200, body: { events: runtime.eventBridge.published.filter((e) => source === null || e.source === source) } };
    }
    if (method === 'POST' && pathname === '/_local/schedules/run') {
      const request = parse(z.strictObject({ schedule: z.string().min(1) }), body);
      if (!request.ok) return request.answer;
      const run = await runtime.scheduler.runNow(request.value.schedule);
      return run ? { status: 200, body: run } : { status: 404, body: { message: `No schedule ${request.value.schedule}` } };
    }
    if (pathname === '/_local/cms') {
      if (method === 'GET') return { status: 200, body: { requests: runtime.cms.requests, records: runtime.cms.records } };
      if (method === 'POST') {
        const request = parse(CmsSwitchSchema, body);
        if (!request.ok) return request.answer;
        try {
          if (request.value.failNext !== undefined) runtime.cms.failNext(request.value.failNext);
          if (request.value.down !== undefined) runtime.cms.setDown(request.value.down);
        } catch (error) {
          // A CMS outside this runtime (`cmsUrl`) has no switches here.
          return { status: 409, body: { message: (error as Error).message } };
        }
        return { status: 200, body: { requests: runtime.cms.requests } };
      }
    }
    return undefined;
  };
}
