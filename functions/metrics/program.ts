import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseWith, routeHandler } from '#shared/http';
import { programPorts } from './adapters/wiring';
import { metricsProgram } from './routes';
import { programFigures, ProgramQuerySchema } from './use-cases/program';

const env = loadEnv({ TABLE_NAME: nonEmpty });
const ports = programPorts(env.TABLE_NAME);

/** GET /metrics/program?from=YYYY-MM-DD&to=YYYY-MM-DD: the program's figures (the current month by default). */
export const handler = routeHandler(metricsProgram, async (event) => json(200, await programFigures(parseWith(ProgramQuerySchema, event.queryStringParameters ?? {}), ports)));
