/**
 * The manifest's operations part: one function per ops route (functions/ops/routes.ts), behind the
 * `ciss` CLI and the console, merged into `infra/manifest.ts`. Plain `as const` literals (checked
 * there), so the types do not loop.
 */
import { auditAppend, cursorEnv, cursorKeyRead, machineRef, tableRef } from './shared';

const MACHINES = ['arrest-packet', 'access-request', 'approval', 'diagnostics'] as const;
/** Every workflow an operator inspects: reading only, never starting or stopping. */
const inspect = MACHINES.map((machine) => ({ machine, actions: ['read'] as const }));
/** ...and redriving, for the one route that redrives. */
const inspectAndRedrive = MACHINES.map((machine) => ({ machine, actions: ['read', 'redrive'] as const }));
/** The task table is read for pending tasks (by the byStatus index); no ops route changes anything there. */
const tableRead = { table: 'main', access: 'read' } as const;

/** What functions/ops/ports.ts reads when loaded: the task table and each workflow's machine (to name an execution's workflow). */
const opsEnv = {
  TABLE_NAME: tableRef('main'),
  AUDIT_TABLE_NAME: tableRef('audit'),
  ARREST_MACHINE_ARN: machineRef('arrest-packet'),
  ACCESS_MACHINE_ARN: machineRef('access-request'),
  APPROVAL_MACHINE_ARN: machineRef('approval'),
  DIAGNOSTICS_MACHINE_ARN: machineRef('diagnostics'),
} as const;

export const opsRouteFunctions = {
  'ops-list-executions': {
    entry: 'functions/ops/list-executions.ts',
    description: 'Operations: lists executions (running, failed, stuck) with the step each is in; audited',
    env: { ...opsEnv, ...cursorEnv },
    permissions: [auditAppend, ...inspect, cursorKeyRead],
    // The stuck view reads the last step of up to 500 executions.
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  'ops-show-execution': {
    entry: 'functions/ops/show-execution.ts',
    description: "Operations: shows one execution's timeline and tasks, data redacted unless revealed (a reveal audited as such)",
    env: opsEnv,
    permissions: [tableRead, auditAppend, ...inspect],
    timeoutSeconds: 29,
  },
  'ops-redrive': {
    entry: 'functions/ops/redrive.ts',
    description: 'Operations: redrives a failed, timed-out or aborted execution from where it stopped; audited',
    env: opsEnv,
    permissions: [auditAppend, ...inspectAndRedrive],
    timeoutSeconds: 29,
  },
  'ops-list-tasks': {
    entry: 'functions/ops/list-tasks.ts',
    description: 'Operations: lists the human tasks waiting, oldest first; audited',
    env: opsEnv,
    permissions: [tableRead, auditAppend],
  },
} as const;
