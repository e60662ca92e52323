/**
 * The manifest's arrests part: its functions, routes, machines and event rules, merged into
 * `infra/manifest.ts`. Plain `as const` literals (checked there), so the types do not loop.
 */
import { auditAppend, commonEnv, cursorEnv, cursorKeyRead, fnRef, machineRef } from './shared';

/** Who may read arrest packets; the handler narrows it per packet (agency, stage). */
const READERS = ['agency-rms', 'agency-admin', 'court-clerk', 'dcj', 'judicial', 'community', 'unit', 'operations', 'auditor'] as const;

export const arrestFunctions = {
  'arrests-api': {
    entry: 'functions/arrests/api.ts',
    description: 'Arrests API: receives packets and versions from agency RMS, reads and lists them by role and ORI, takes adjudications from Judicial',
    env: {
      ...commonEnv,
      ...cursorEnv,
      ARREST_MACHINE_ARN: machineRef('arrest-packet'),
      TASK_TOKEN_KEY_ID: { ref: 'key' },
      PUBLIC_API_URL: { ref: 'apiUrl' },
      PACKET_ID_KEY_SECRET_ID: { ref: 'secret', secret: 'packet-id-key' },
    },
    permissions: [
      { table: 'main', access: 'readwrite' },
      auditAppend,
      // The packet's timeline is read back from its audit events.
      { table: 'audit', access: 'read' },
      { bus: 'put' },
      { machine: 'arrest-packet', actions: ['start', 'stop', 'callback'] },
      { key: 'decrypt' },
      cursorKeyRead,
      { secret: 'packet-id-key', access: 'read' },
    ],
  },
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
    env: commonEnv,
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
    description: 'Arrest packet step 7: registers the execution waiting for adjudication (token sealed with KMS), so the adjudication finds it',
    env: { ...commonEnv, TASK_TOKEN_KEY_ID: { ref: 'key' } },
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { key: 'encrypt' }],
  },
} as const;

export const arrestRoutes = [
  { method: 'POST', path: '/arrests', function: 'arrests-api', auth: 'token', roles: ['agency-rms'], oriScoped: true },
  { method: 'GET', path: '/arrests', function: 'arrests-api', auth: 'token', roles: READERS, oriScoped: true },
  { method: 'GET', path: '/arrests/{packetId}', function: 'arrests-api', auth: 'token', roles: READERS, oriScoped: true },
  { method: 'POST', path: '/arrests/{packetId}/versions', function: 'arrests-api', auth: 'token', roles: ['agency-rms'], oriScoped: true },
  { method: 'POST', path: '/arrests/{packetId}/adjudication', function: 'arrests-api', auth: 'token', roles: ['judicial'], oriScoped: false },
] as const;

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

