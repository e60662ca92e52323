import { unitEnv } from './access';
import { auditAppend, commonEnv, cursorEnv, cursorKeyRead, fnRef, machineRef, tableRef } from './shared';

/**
 * The manifest's CISS Search certification part (issue 17): its functions, routes and machine,
 * merged into `infra/manifest.ts`. Plain `as const` literals (checked there).
 */

/**
 * The exam's rules, configured per deployment; each request keeps the rules in force when it was
 * made. A score of 80 passes; a retake 24 hours at the earliest after a failed attempt; three
 * attempts in all.
 */
const examRulesEnv = {
  EXAM_PASS_MARK: { ref: 'literal', value: '80' },
  EXAM_RETAKE_WAIT_HOURS: { ref: 'literal', value: '24' },
  EXAM_MAX_ATTEMPTS: { ref: 'literal', value: '3' },
} as const;

const rw = { table: 'main', access: 'readwrite' } as const;
const read = { table: 'main', access: 'read' } as const;
const routeEnv = { TABLE_NAME: tableRef('main'), AUDIT_TABLE_NAME: tableRef('audit') } as const;
const stepEnv = { ...commonEnv, ...unitEnv } as const;
/** Where the search role is granted: the Cognito user pool in AWS (the local user store at home). */
const grantEnv = { ...stepEnv, USER_POOL_ID: { ref: 'userPool' } } as const;
/** What the human-task ports (functions/tasks/ports.ts) read when loaded. */
const taskPortsEnv = { ...routeEnv, PUBLIC_API_URL: { ref: 'apiUrl' }, SENDER_EMAIL: { ref: 'sender' }, TASK_TOKEN_KEY_ID: { ref: 'key' } } as const;

export const certificationRouteFunctions = {
  'certification-create': {
    entry: 'functions/certification/create.ts',
    description: "CISS Search certification: an agency administrator requests it for an employee with current Security Awareness Training (a retry answers the stored one); its workflow starts",
    env: { ...routeEnv, ...examRulesEnv, CERTIFICATION_MACHINE_ARN: machineRef('search-certification') },
    permissions: [rw, auditAppend, { machine: 'search-certification', actions: ['start'] }],
  },
  'certification-list': {
    entry: 'functions/certification/list.ts',
    description: 'CISS Search certification: one page of the certifications the caller may see, newest first',
    env: { ...routeEnv, ...cursorEnv },
    permissions: [read, auditAppend, cursorKeyRead],
  },
  'certification-read': {
    entry: 'functions/certification/read.ts',
    description: 'CISS Search certification: one certification with its attempts and timeline; one of another agency reads as missing',
    env: routeEnv,
    permissions: [read, auditAppend, { table: 'audit', access: 'read' }],
  },
  'certification-exam-result': {
    entry: 'functions/certification/exam-result.ts',
    description: "CISS Search certification: an exam attempt's result from the training provider or the unit, judged by the exam rules; decides the exam task",
    env: taskPortsEnv,
    permissions: [rw, auditAppend, { key: 'decrypt' }, { machine: 'search-certification', actions: ['callback'] }],
  },
  'certification-awareness': {
    entry: 'functions/certification/awareness.ts',
    description: "CISS Search certification: the unit records an employee's renewed Security Awareness Training (CJIS Online), which a renewal needs current",
    env: routeEnv,
    permissions: [rw, auditAppend],
  },
  'certification-mine': {
    entry: 'functions/certification/mine.ts',
    description: "CISS Search certification: the signed-in person's own certification, its expiry, and whether the search role is theirs now",
    env: routeEnv,
    permissions: [read, auditAppend],
  },
} as const;

export const certificationFunctions = {
  'certification-prepare': {
    entry: 'functions/certification/prepare.ts',
    description: 'CISS Search certification workflow: what the exam step shows and whom it goes to',
    env: stepEnv,
    permissions: [read],
  },
  'certification-advance': {
    entry: 'functions/certification/advance.ts',
    description: 'CISS Search certification workflow: moves the certification on and e-mails the employee and the agency',
    env: stepEnv,
    permissions: [rw, auditAppend, { ses: 'send' }],
  },
  'certification-exam-outcome': {
    entry: 'functions/certification/exam-outcome.ts',
    description: 'CISS Search certification workflow: what the recorded exam attempt leads to',
    env: stepEnv,
    permissions: [read],
  },
  'certification-grant': {
    entry: 'functions/certification/grant.ts',
    description: 'CISS Search certification workflow: grants the search role, with the certification expiry, as a Cognito group in AWS',
    env: grantEnv,
    permissions: [rw, auditAppend, { ses: 'send' }, { userPool: 'groups' }],
  },
  'certification-lapse': {
    entry: 'functions/certification/lapse.ts',
    description: 'CISS Search certification workflow: an expired certification suspends the search role; the account stays',
    env: grantEnv,
    permissions: [rw, auditAppend, { ses: 'send' }, { userPool: 'groups' }],
  },
} as const;

export const certificationMachines = {
  'search-certification': {
    file: 'statemachines/search-certification.asl.json',
    description: 'CISS Search certification: training, the exam with retakes, the search role for a year, renewal reminders and the lapse',
    substitutions: {
      PrepareFunctionArn: fnRef('certification-prepare'),
      AdvanceFunctionArn: fnRef('certification-advance'),
      ExamOutcomeFunctionArn: fnRef('certification-exam-outcome'),
      GrantFunctionArn: fnRef('certification-grant'),
      LapseFunctionArn: fnRef('certification-lapse'),
      SearchCertificationMachineArn: machineRef('search-certification'),
      NotifyFunctionArn: fnRef('tasks-notify'),
      ExpireFunctionArn: fnRef('tasks-expire'),
    },
  },
} as const;
