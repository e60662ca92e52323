import * as z from 'zod/mini';
import { AuditSubject, recordAudit } from '#shared/audit';
import { taskHandler } from '#shared/task';

/** The part of a CloudTrail record (as EventBridge delivers it) that says who failed to log on. */
const EventSchema = z.looseObject({
  detail: z.looseObject({
    eventName: z.string(),
    errorCode: z.string(),
    sourceIPAddress: z.optional(z.string()),
    userAgent: z.optional(z.string()),
    requestParameters: z.nullish(z.looseObject({ clientId: z.optional(z.string()), client_id: z.optional(z.string()) })),
    additionalEventData: z.nullish(z.looseObject({ sub: z.optional(z.string()) })),
  }),
});

/**
 * A failed logon (CJIS AU-2): Cognito refuses a bad password or client secret before any trigger
 * runs, and records the refusal in CloudTrail; the rule `auth-logon-failed` brings it here, to
 * the audit trail, with where it came from. Cognito hides the user name of a failed sign-in, so
 * the actor is the user's `sub` when CloudTrail gives it, else the app client.
 */
export const handler = taskHandler(EventSchema, async ({ detail }) => {
  const clientId = detail.requestParameters?.clientId ?? detail.requestParameters?.client_id;
  const actor = detail.additionalEventData?.sub ?? (clientId ? `client:${clientId}` : 'unknown');
  await recordAudit({
    type: 'Logon',
    outcome: 'failure',
    actor,
    component: 'cognito',
    subject: AuditSubject.of('identity', actor),
    source: { ip: detail.sourceIPAddress, userAgent: detail.userAgent },
    details: { event: detail.eventName, error: detail.errorCode },
  });
});
