import { randomBytes } from 'node:crypto';
import { coercedNumber } from '#shared/formats';
import { loadEnv, nonEmpty } from '#shared/env';
import { json, parseJsonBody, routeHandler } from '#shared/http';
import { nowIso } from '#shared/time';
import { actingOf } from './adapters/http';
import { CertificationStore } from './adapters/store';
import { awarenessOn } from './adapters/awareness';
import { certificationWorkflow } from './adapters/wiring';
import { NewCertificationSchema } from './domain/certification';
import { ExamRulesSchema, type ExamRules } from './domain/exam';
import { certificationCreate } from './routes';
import { createCertification } from './use-cases/create';

const env = loadEnv({ TABLE_NAME: nonEmpty, CERTIFICATION_MACHINE_ARN: nonEmpty, EXAM_PASS_MARK: nonEmpty, EXAM_RETAKE_WAIT_HOURS: nonEmpty, EXAM_MAX_ATTEMPTS: nonEmpty });

/** The exam rules in force, read as numbers when first needed: a wrong one fails each request (500), naming the variable. */
let examRules: ExamRules | undefined;
function rulesInForce(): ExamRules {
  if (!examRules) {
    const n = loadEnv({ EXAM_PASS_MARK: coercedNumber(), EXAM_RETAKE_WAIT_HOURS: coercedNumber(), EXAM_MAX_ATTEMPTS: coercedNumber() });
    examRules = ExamRulesSchema.parse({ passMark: n.EXAM_PASS_MARK, retakeWaitHours: n.EXAM_RETAKE_WAIT_HOURS, maxAttempts: n.EXAM_MAX_ATTEMPTS });
  }
  return examRules;
}

const ports = {
  store: new CertificationStore(env.TABLE_NAME),
  awareness: awarenessOn(env.TABLE_NAME),
  start: certificationWorkflow(env.CERTIFICATION_MACHINE_ARN),
  now: nowIso,
  newId: (at: string) => `SC-${at.slice(0, 10).replaceAll('-', '')}-${randomBytes(5).toString('hex').toUpperCase()}`,
  get rules() {
    return rulesInForce();
  },
};

/** POST /search-certifications: 202 for a new request, 200 for the same request sent again. */
export const handler = routeHandler(certificationCreate, async (event) => {
  const created = await createCertification(ports, parseJsonBody(event, NewCertificationSchema), actingOf(event));
  const { certificationId, status, step, renews } = created;
  return json(created.outcome === 'new' ? 202 : 200, { certificationId, status, step, ...(renews ? { renews } : {}) }, { Location: `/search-certifications/${certificationId}` });
});
