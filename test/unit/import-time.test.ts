/**
 * Domain modules that many functions import build their schemas on first use (`lazy`,
 * functions/shared/lazy.ts), not at import: a schema built at import is paid at every cold start of
 * every function that imports the module (issue 19, module load). zod/mini is replaced by a copy
 * that counts the object schemas made, and each module is imported fresh.
 */
import { countConstructions, countZodBuilders } from './import-counters';

let objects = 0;
await countZodBuilders(['object', 'string'], () => (objects += 1));
let loggers = 0;
await countConstructions('@aws-lambda-powertools/logger', 'Logger', () => (loggers += 1));

// The shared modules first: the domain modules import them, and parsing their schemas builds them.
describe.each([
  ['functions/shared/ids.ts', 'OriSchema', {}],
  ['functions/shared/courts.ts', 'CourtIdSchema', {}],
  ['functions/shared/cursor.ts', 'DynamoKeySchema', { pk: 1 }],
  ['functions/tasks/domain/task.ts', 'NewTaskSchema', {}],
  ['functions/access/domain/request.ts', 'NewAccessRequestSchema', {}],
  ['functions/access/domain/training.ts', 'TrainingVerificationSchema', {}],
  ['functions/certification/domain/certification.ts', 'ExamResultSchema', {}],
  // The largest schema a function builds: arrests-validate and arrests-transmit paid 6–13 ms for it at import.
  ['functions/arrests/domain/packet.ts', 'ArrestPacketSchema', {}],
  ['functions/arrests/domain/packet.ts', 'PacketStepInputSchema', {}],
  ['functions/ops/domain/operations.ts', 'ExecutionCursorSchema', {}],
  // The path schemas the access and certification handlers share (access-verify-training and most access-* routes).
  ['functions/access/adapters/http.ts', 'RequestIdParam', { requestId: 1 }],
  ['functions/certification/adapters/http.ts', 'CertificationIdParam', { certificationId: 1 }],
])('%s', (file, schema, invalid) => {
  it(`builds no object or string schema at import; ${schema} is built on its first use`, async () => {
    objects = 0;
    const mod = (await import(`../../${file}`)) as Record<string, { safeParse: (x: unknown) => { success: boolean } }>;
    expect(objects).toBe(0);
    expect(mod[schema]?.safeParse(invalid).success).toBe(false);
    expect(objects).toBeGreaterThan(0);
  });
});

describe('functions/shared/env.ts', () => {
  it('checks required and optional variables without building a zod schema (the first ones cost about 4 ms of a cold start)', async () => {
    objects = 0;
    const { loadEnv, nonEmpty, optionalText } = await import('../../functions/shared/env');
    expect(loadEnv({ TABLE_NAME: nonEmpty, PORTAL_URL: optionalText }, { TABLE_NAME: 'ciss-main' })).toEqual({ TABLE_NAME: 'ciss-main', PORTAL_URL: undefined });
    expect(() => loadEnv({ TABLE_NAME: nonEmpty }, {})).toThrow('TABLE_NAME: is required');
    expect(objects).toBe(0);
  });
});

describe('functions/arrests/adapters/cms.ts', () => {
  it("builds no schema at import (the CMS answer's is built on the first answer)", async () => {
    objects = 0;
    await import('../../functions/arrests/adapters/cms');
    expect(objects).toBe(0);
  });
});

describe('functions/shared/observability.ts', () => {
  it('makes no logger at import; the logger is made on its first use, once', async () => {
    const { logger } = await import('../../functions/shared/observability');
    expect(loggers).toBe(0);
    logger.appendKeys({ taskId: 'x' });
    logger.removeKeys(['taskId']);
    expect(loggers).toBe(1);
  });
});

describe('events/arrest-packet-adjudicated.ts', () => {
  it('builds no schema at import; the detail schema is built on first use', async () => {
    objects = 0;
    const { ArrestPacketAdjudicated } = await import('../../events/arrest-packet-adjudicated');
    expect(ArrestPacketAdjudicated.detailType).toBe('ArrestPacketAdjudicated');
    expect(objects).toBe(0);
    expect(ArrestPacketAdjudicated.detail.safeParse({}).success).toBe(false);
    expect(objects).toBeGreaterThan(0);
  });
});
