import { randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import { close, listen, readBody, send } from './http';

/** What the simulator received: one entry per accepted idempotency key. */
export interface CmsRecord {
  readonly idempotencyKey: string;
  readonly docketNumber: string;
  readonly body: unknown;
  readonly receivedAt: string;
}

export interface CmsSimulator {
  readonly url: string;
  /** Every distinct submission accepted (a repeated key is answered, not stored again). */
  readonly records: CmsRecord[];
  /** Every request seen, including failed and repeated ones. */
  readonly requests: number;
  /** The next `n` submissions fail with 503 (a transient fault). */
  failNext(n: number): void;
  /** Every submission fails with 503 until set back to false (CMS down). */
  setDown(down: boolean): void;
  /** Asked once per submission; true answers 503 (fault injection, `infra/local/faults.ts`). */
  fault?: () => boolean;
  stop(): Promise<void>;
}

/**
 * The Division of Criminal Justice's case management system, simulated for the embedded
 * runtime: `POST /cases` with an `Idempotency-Key` header and a bearer credential records the
 * packet once and answers a docket number; the same key again answers the same docket.
 * Tests make it fail transiently or go down.
 */
export async function startCmsSimulator(options: { port?: number; credential: string }): Promise<CmsSimulator> {
  const records: CmsRecord[] = [];
  let requests = 0;
  let failures = 0;
  let down = false;
  // The server asks the simulator object (made below) for its fault switch.
  const self: { simulator?: CmsSimulator } = {};
  const server: Server = http.createServer((req, res) => {
    void (async () => {
      requests++;
      const body = await readBody(req, 5 * 1024 * 1024);
      if (req.method !== 'POST' || req.url !== '/cases') return send(res, 404, { message: 'Not found' });
      if (req.headers.authorization !== `Bearer ${options.credential}`) return send(res, 401, { message: 'Bad credential' });
      if (down || failures > 0 || self.simulator?.fault?.()) {
        if (failures > 0) failures--;
        return send(res, 503, { message: 'CMS is unavailable' });
      }
      const key = String(req.headers['idempotency-key'] ?? '');
      if (!key) return send(res, 400, { message: 'Idempotency-Key header is required' });
      const existing = records.find((r) => r.idempotencyKey === key);
      if (existing) return send(res, 200, { docketNumber: existing.docketNumber, duplicate: true });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return send(res, 400, { message: 'Body is not JSON' });
      }
      const record: CmsRecord = { idempotencyKey: key, docketNumber: `DCJ-${new Date().getUTCFullYear()}-${randomUUID().slice(0, 8).toUpperCase()}`, body: parsed, receivedAt: new Date().toISOString() };
      records.push(record);
      send(res, 201, { docketNumber: record.docketNumber, duplicate: false });
    })().catch(() => send(res, 500, { message: 'simulator error' }));
  });
  const port = await listen(server, options.port ?? 0);
  const simulator: CmsSimulator = {
    url: `http://127.0.0.1:${port}`,
    records,
    get requests() {
      return requests;
    },
    failNext: (n) => {
      failures = n;
    },
    setDown: (value) => {
      down = value;
    },
    stop: () => close(server),
  };
  self.simulator = simulator;
  return simulator;
}

/**
 * A CMS the runtime did not start (`RuntimeOptions.cmsUrl`): a crash test keeps its simulator
 * in the process that survives the kill. What it received is read from that simulator.
 */
export function externalCms(url: string): CmsSimulator {
  const elsewhere = (): never => {
    throw new Error(`The DCJ CMS at ${url} runs outside this runtime; read its records where it runs`);
  };
  return {
    url,
    get records() {
      return elsewhere();
    },
    get requests() {
      return elsewhere();
    },
    failNext: elsewhere,
    setDown: elsewhere,
    stop: async () => undefined,
  };
}
