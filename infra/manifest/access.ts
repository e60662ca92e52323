import { auditAppend, commonEnv, cursorEnv, cursorKeyRead, fnRef, machineRef, tableRef } from './shared';

/**
 * The manifest's CCHRS access-request part: its functions, routes, machine and rules, merged
 * into `infra/manifest.ts`. Plain `as const` literals (checked there), so the types do not loop.
 */

/** Where the CCHRS unit (state police) receives its review and verification tasks. */
export const unitEnv = { CCHRS_UNIT_EMAIL: { ref: 'literal', value: 'cchrs.unit@dpscs.ct.example' } } as const;
/** Where e-mails about a request lead: its page in the portal (`#/access-requests/<id>`). */
const portalEnv = { PORTAL_URL: { ref: 'portalUrl' } } as const;
const stepEnv = { ...commonEnv, ...unitEnv, ...portalEnv, PUBLIC_API_URL: { ref: 'apiUrl' }, TASK_TOKEN_KEY_ID: { ref: 'key' } } as const;
const rw = { table: 'main', access: 'readwrite' } as const;
/** The request's timeline is read back from its audit events. */
const auditRead = { table: 'audit', access: 'read' } as const;

/** What every access route reads: the table, and the audit trail it appends to. */
const routeEnv = { TABLE_NAME: tableRef('main'), AUDIT_TABLE_NAME: tableRef('audit') } as const;
const apiUrl = { PUBLIC_API_URL: { ref: 'apiUrl' } } as const;
const startAccess = { machine: 'access-request', actions: ['start'] } as const;
/** What the human-task ports (functions/tasks/ports.ts) read when loaded: links, the sender, the task-token key. */
const taskPortsEnv = { ...routeEnv, ...apiUrl, SENDER_EMAIL: { ref: 'sender' }, TASK_TOKEN_KEY_ID: { ref: 'key' } } as const;
const linkEnv = { ...taskPortsEnv, LINK_KEY_SECRET_ID: { ref: 'secret', secret: 'approval-link-key' } } as const;
const linkKeyRead = { secret: 'approval-link-key', access: 'read' } as const;

/**
 * One function per access route (functions/access/routes.ts), each with only what its route needs:
 * the reads start nothing, only create and reissue start the machine, only the training
 * verification opens task tokens and sends callbacks.
 */
export const accessRouteFunctions = {
  'access-create': {
    entry: 'functions/access/create.ts',
    description: 'CCHRS access requests: an agency administrator submits one (a retry of the same request answers the stored one) and its workflow starts',
    // The unit's address goes into the execution's input, with what the human steps show.
    env: { ...routeEnv, ...apiUrl, ...unitEnv, ACCESS_MACHINE_ARN: machineRef('access-request') },
    permissions: [rw, auditAppend, startAccess],
  },
  'access-list': {
    entry: 'functions/access/list.ts',
    description: 'CCHRS access requests: one page of the requests the caller may see, newest first',
    env: { ...routeEnv, ...apiUrl, ...cursorEnv },
    permissions: [{ table: 'main', access: 'read' }, auditAppend, cursorKeyRead],
  },
  'access-read': {
    entry: 'functions/access/read.ts',
    description: 'CCHRS access requests: one request with its timeline; one of another agency reads as missing',
    env: routeEnv,
    permissions: [{ table: 'main', access: 'read' }, auditAppend, auditRead],
  },
  'access-verify-training': {
    entry: 'functions/access/verify-training.ts',
    description: "CCHRS access requests: the unit records each training's CJIS Online completion and decides the verification task",
    env: taskPortsEnv,
    permissions: [rw, auditAppend, { key: 'decrypt' }, { machine: 'access-request', actions: ['callback'] }],
  },
  'access-reissue': {
    entry: 'functions/access/reissue.ts',
    description: 'CCHRS access requests: the unit asks for a new temporary password after one expired',
    // The unit's address goes into the execution's input, with what the human steps show.
    env: { ...routeEnv, ...apiUrl, ...unitEnv, ACCESS_MACHINE_ARN: machineRef('access-request') },
    permissions: [rw, auditAppend, startAccess],
  },
  'access-unlock': {
    entry: 'functions/access/unlock.ts',
    description: 'CCHRS access requests: the unit unlocks an account locked after failed first logins',
    env: routeEnv,
    permissions: [rw, auditAppend],
  },
  'access-remove': {
    entry: 'functions/access/remove.ts',
    description: "CCHRS access requests: an agency administrator asks for a departed employee's account to be removed; it is disabled at once, the person's access ends as an account removal does (functions/accounts), and the unit e-mailed",
    env: { ...routeEnv, ...unitEnv, ...portalEnv, SENDER_EMAIL: { ref: 'sender' }, SES_CONFIGURATION_SET: { ref: 'configurationSet' }, USER_POOL_ID: { ref: 'userPool' } },
    permissions: [rw, auditAppend, { ses: 'send' }, { userPool: 'accounts' }],
  },
  'access-evidence-form': {
    entry: 'functions/access/evidence-page.ts',
    description: "CCHRS access: the form the unit's e-mailed link opens to record each training's CJIS Online completion (changes nothing)",
    env: linkEnv,
    permissions: [{ table: 'main', access: 'read' }, auditAppend, linkKeyRead],
  },
  'access-evidence-record': {
    entry: 'functions/access/evidence-record.ts',
    description: "CCHRS access: records the e-mailed form's CJIS Online completions and decides the verification task as the unit member",
    env: linkEnv,
    permissions: [rw, auditAppend, { key: 'decrypt' }, linkKeyRead, { machine: 'access-request', actions: ['callback'] }],
  },
  'access-first-login-page': {
    entry: 'functions/access/first-login-page.ts',
    description: 'CCHRS access: the first-login page the temporary-password e-mail links to',
    env: {},
    permissions: [],
  },
  'access-first-login': {
    entry: 'functions/access/first-login.ts',
    description: 'CCHRS access: first-time login with the temporary password, with lockout after repeated failures',
    env: routeEnv,
    // scrypt, and on a container's first scored password loading and ranking zxcvbn's
    // dictionaries (2–3 s on 2 busy cores): CPU grows with memory in Lambda.
    memoryMb: 1024,
    permissions: [rw, auditAppend],
  },
} as const;

export const accessFunctions = {
  'access-prepare': {
    entry: 'functions/access/prepare.ts',
    description: 'CCHRS access workflow: what the human steps show and whom they go to',
    env: stepEnv,
    permissions: [{ table: 'main', access: 'read' }],
  },
  'access-advance': {
    entry: 'functions/access/advance.ts',
    description: 'CCHRS access workflow: moves the request on after a step and e-mails who needs to know',
    env: stepEnv,
    permissions: [rw, auditAppend, { ses: 'send' }],
  },
  // The workflow no longer calls it ("verified" is refused until the evidence is recorded); kept
  // for executions started under the definition that did, until none waits at verification.
  'access-check-evidence': {
    entry: 'functions/access/check-evidence.ts',
    description: 'CCHRS access workflow: confirms both trainings carry their CJIS Online completion records',
    env: stepEnv,
    permissions: [{ table: 'main', access: 'read' }],
  },
  'access-issue-password': {
    entry: 'functions/access/issue-password.ts',
    description: 'CCHRS access workflow: creates the account with a temporary password (24 hours) and e-mails it',
    env: stepEnv,
    permissions: [rw, auditAppend, { ses: 'send' }],
  },
  'access-check-activation': {
    entry: 'functions/access/check-activation.ts',
    description: 'CCHRS access workflow: after 24 hours, active or the temporary password expires',
    env: stepEnv,
    permissions: [rw, auditAppend, { ses: 'send' }],
  },
} as const;

export const accessMachines = {
  'access-request': {
    file: 'statemachines/access-request.asl.json',
    description: 'CCHRS access request: unit review, training on CJIS Online, verification, account, 24-hour temporary password',
    substitutions: {
      PrepareFunctionArn: fnRef('access-prepare'),
      AdvanceFunctionArn: fnRef('access-advance'),
      IssuePasswordFunctionArn: fnRef('access-issue-password'),
      CheckActivationFunctionArn: fnRef('access-check-activation'),
      NotifyFunctionArn: fnRef('tasks-notify'),
      ExpireFunctionArn: fnRef('tasks-expire'),
    },
  },
} as const;

export const accessEventRules = {} as const;
