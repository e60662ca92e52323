/**
 * The manifest's agency-registry part (functions/agencies): the registry's routes, and the
 * function that marks an agency connected on its first packet. Merged into `infra/manifest.ts`.
 */
import { auditAppend, commonEnv } from './shared';

export const agenciesRouteFunctions = {
  'agencies-list': {
    entry: 'functions/agencies/list.ts',
    description: 'Agency registry: every municipal and state agency with its ORI, and when each was provisioned and connected',
    env: commonEnv,
    // auditAppend: a caller refused by role is audited (RouteDenied) like on every route.
    permissions: [{ table: 'main', access: 'read' }, auditAppend],
  },
  'agencies-provision': {
    entry: 'functions/agencies/provision.ts',
    description: "Agency registry: the unit provisions an agency, making its RMS machine client (a Cognito app client); audited AgencyProvisioned",
    env: { ...commonEnv, USER_POOL_ID: { ref: 'userPool' } },
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { userPool: 'clients' }],
    timeoutSeconds: 29,
  },
} as const;

export const agenciesFunctions = {
  'agencies-connect': {
    entry: 'functions/agencies/connect.ts',
    description: "Agency registry: an agency's first arrest packet marks it connected (live); audited AgencyConnected",
    env: commonEnv,
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend],
  },
} as const;

export const agenciesEventRules = {
  'agencies-packet-received': {
    description: "An agency's RMS sent an arrest packet: the agency is connected from its first",
    pattern: { source: ['ciss.arrests'], 'detail-type': ['ArrestPacketReceived'] },
    target: { function: 'agencies-connect' },
  },
} as const;
