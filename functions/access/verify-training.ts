import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseJsonBody, routeHandler } from '#shared/http';
import { actingOf, requestIdOf, RequestIdParam } from './adapters/http';
import { trainingPorts } from './adapters/training';
import { TrainingVerificationSchema } from './domain/training';
import { accessVerifyTraining } from './routes';
import { verifyTrainingOnApi } from './use-cases/record-training';

const ports = trainingPorts(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME);

/** POST /access-requests/{requestId}/training-verification: the unit records each module's CJIS Online completion. */
export const handler = routeHandler(
  accessVerifyTraining,
  async (event) => json(200, await verifyTrainingOnApi(ports, requestIdOf(event.params), () => parseJsonBody(event, TrainingVerificationSchema), actingOf(event))),
  { params: RequestIdParam },
);
