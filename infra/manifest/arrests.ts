/**
 * The manifest's arrests part: its functions, routes, machines and event rules, merged into
 * `infra/manifest.ts`. Plain `as const` literals (checked there), so the types do not loop.
 */
import { auditAppend, commonEnv, cursorEnv, cursorKeyRead, fnRef, machineRef } from './shared';

/**
 * The function behind each arrests route (functions/arrests/routes.ts), keyed by route id, each
 * with the environment and permissions its route needs and no more.
 */
export const arrestRouteFunctions = {
  'arrests-receive': {
    entry: 'functions/arrests/receive.ts',
    description: 'Arrests: receives a packet from an agency RMS (POST /arrests), once per ORI and incident number, and starts its workflow',
    env: { ...commonEnv, ARREST_MACHINE_ARN: machineRef('arrest-packet'), PUBLIC_API_URL: { ref: 'apiUrl' }, PACKET_ID_KEY_SECRET_ID: { ref: 'secret', secret: 'packet-id-key' } },
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { bus: 'put' }, { machine: 'arrest-packet', actions: ['start'] }, { secret: 'packet-id-key', access: 'read' }],
  },
  'arrests-list': {
    entry: 'functions/arrests/list.ts',
    description: 'Arrests: lists the packets the caller may see by role and ORI (GET /arrests), a page at a time',
    env: { ...commonEnv, ...cursorEnv, PUBLIC_API_URL: { ref: 'apiUrl' } },
    permissions: [{ table: 'main', access: 'read' }, auditAppend, cursorKeyRead],
  },
  'arrests-read': {
    entry: 'functions/arrests/read.ts',
    description: 'Arrests: reads one packet, where it stands and its timeline (GET /arrests/{packetId}); each read is audited',
    env: { ...commonEnv, ARREST_MACHINE_ARN: machineRef('arrest-packet'), PUBLIC_API_URL: { ref: 'apiUrl' } },
    // The packet's timeline is read back from its audit events.
    permissions: [{ table: 'main', access: 'read' }, auditAppend, { table: 'audit', access: 'read' }],
  },
  'arrests-amend': {
    entry: 'functions/arrests/amend.ts',
    description: 'Arrests: takes a new version of a packet not yet accepted (POST /arrests/{packetId}/versions), stops the old workflow and starts the new',
    env: { ...commonEnv, ARREST_MACHINE_ARN: machineRef('arrest-packet'), PUBLIC_API_URL: { ref: 'apiUrl' } },
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { bus: 'put' }, { machine: 'arrest-packet', actions: ['start', 'stop'] }],
  },
  'arrests-adjudicate': {
    entry: 'functions/arrests/adjudicate.ts',
    description: 'Arrests: takes the adjudication from Judicial (POST /arrests/{packetId}/adjudication) and wakes the workflow waiting for it',
    env: { ...commonEnv, PUBLIC_API_URL: { ref: 'apiUrl' } },
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { bus: 'put' }, { machine: 'arrest-packet', actions: ['callback'] }, { key: 'decrypt' }],
  },
} as const;

export const arrestFunctions = {
  'arrests-validate': {
    entry: 'functions/arrests/validate.ts',
    description: 'Arrest packet step 2: business rules (statutes, dates, age, documents); records REJECTED with every failed rule (VALIDATED is written with the clerk review task)',
    env: commonEnv,
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { bus: 'put' }],
  },
  'arrests-record': {
    entry: 'functions/arrests/record.ts',
    description: 'Arrest packet: records a status change (accepted, returned, review timed out, available, historical) with its audit event, and publishes it',
    env: commonEnv,
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { bus: 'put' }],
  },
  'arrests-notify-agency': {
    entry: 'functions/arrests/notify-agency.ts',
    description: 'Arrest packet: e-mails the agency contact what happened to its packet (rejected, returned, not reviewed, processed)',
    // The e-mail links to the packet's page in the portal.
    env: { ...commonEnv, PORTAL_URL: { ref: 'portalUrl' } },
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { ses: 'send' }],
  },
  'arrests-transmit': {
    entry: 'functions/arrests/transmit.ts',
    description: "Arrest packet step 4: sends the accepted packet to DCJ's case management system (idempotent per version) and records the docket number",
    env: { ...commonEnv, CMS_URL: { ref: 'endpoint', endpoint: 'cms' }, CMS_CREDENTIALS_SECRET_ID: { ref: 'secret', secret: 'cms-credentials' } },
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { bus: 'put' }, { secret: 'cms-credentials', access: 'read' }],
    timeoutSeconds: 30,
  },
  'arrests-await-adjudication': {
    entry: 'functions/arrests/await-adjudication.ts',
    description: 'Arrest packet step 7: registers the execution waiting for adjudication (token sealed with KMS), so the adjudication finds it; the first wait makes the packet AVAILABLE and publishes it',
    env: { ...commonEnv, TASK_TOKEN_KEY_ID: { ref: 'key' } },
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { key: 'encrypt' }, { bus: 'put' }],
  },
} as const;

export const arrestMachines = {
  'arrest-packet': {
    file: 'statemachines/arrest-packet.asl.json',
    description: 'CISS arrest workflow: validate, clerk review, DCJ CMS, agency notice, available, adjudicated and historical (continues as new across the long wait)',
    substitutions: {
      ValidateFunctionArn: fnRef('arrests-validate'),
      RecordFunctionArn: fnRef('arrests-record'),
      NotifyAgencyFunctionArn: fnRef('arrests-notify-agency'),
      TransmitFunctionArn: fnRef('arrests-transmit'),
      AwaitAdjudicationFunctionArn: fnRef('arrests-await-adjudication'),
      NotifyFunctionArn: fnRef('tasks-notify'),
      ExpireFunctionArn: fnRef('tasks-expire'),
      ArrestPacketMachineArn: machineRef('arrest-packet'),
    },
  },
} as const;

export const arrestEventRules = {} as const;

