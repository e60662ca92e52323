/**
 * The manifest's operations part: the ops API behind the `ciss` CLI and the console, merged into
 * `infra/manifest.ts`. Plain `as const` literals (checked there), so the types do not loop.
 */
import { auditAppend, commonEnv, cursorEnv, cursorKeyRead, machineRef } from './shared';

/** Every workflow an operator inspects and redrives; reading and redriving only, never starting or stopping. */
const inspectAndRedrive = (['arrest-packet', 'access-request', 'approval', 'diagnostics'] as const).map((machine) => ({ machine, actions: ['read', 'redrive'] as const }));

export const opsFunctions = {
  'ops-api': {
    entry: 'functions/ops/api.ts',
    description: "Operations: lists executions (running, failed, stuck), shows one's timeline with data redacted unless revealed, lists waiting human tasks, redrives failed executions; every call audited",
    env: {
      ...commonEnv,
      ARREST_MACHINE_ARN: machineRef('arrest-packet'),
      ACCESS_MACHINE_ARN: machineRef('access-request'),
      APPROVAL_MACHINE_ARN: machineRef('approval'),
      DIAGNOSTICS_MACHINE_ARN: machineRef('diagnostics'),
      ...cursorEnv,
    },
    // The task table is read for pending tasks (by the byStatus index); it changes nothing there.
    permissions: [{ table: 'main', access: 'read' }, auditAppend, ...inspectAndRedrive, cursorKeyRead],
    timeoutSeconds: 29,
    memoryMb: 512,
  },
} as const;

export const opsRoutes = [
  { method: 'GET', path: '/ops/executions', function: 'ops-api', auth: 'token', roles: ['operations'], oriScoped: false },
  { method: 'GET', path: '/ops/executions/{id}', function: 'ops-api', auth: 'token', roles: ['operations'], oriScoped: false },
  { method: 'POST', path: '/ops/executions/{id}/redrive', function: 'ops-api', auth: 'token', roles: ['operations'], oriScoped: false },
  { method: 'GET', path: '/ops/tasks', function: 'ops-api', auth: 'token', roles: ['operations'], oriScoped: false },
] as const;
