/**
 * Leaf of the manifest: helpers and environments the parts share, and the roles (defined by the
 * application, functions/shared/roles.ts). It imports nothing else, so the parts (`access.ts`,
 * `arrests.ts`) and `infra/manifest.ts` can all use it without their types depending on each other.
 */
export { DECIDER_ROLES, ROLES, type Role } from '../../functions/shared/roles';

export const tableRef = <T extends string>(table: T) => ({ ref: 'table', table }) as const;
export const fnRef = <F extends string>(name: F) => ({ ref: 'function', function: name }) as const;
export const machineRef = <M extends string>(machine: M) => ({ ref: 'machine', machine }) as const;

/** A function that changes justice data or reads it leaves its audit trail: append only. */
export const auditAppend = { table: 'audit', access: 'append' } as const;

/** Environment every function gets: where the data and the audit trail live, who mail comes from. */
export const commonEnv = {
  TABLE_NAME: tableRef('main'),
  AUDIT_TABLE_NAME: tableRef('audit'),
  EVENT_BUS_NAME: { ref: 'bus' },
  SENDER_EMAIL: { ref: 'sender' },
  SES_CONFIGURATION_SET: { ref: 'configurationSet' },
} as const;

/** What the human-task functions need on top: links, the key that seals task tokens, the link key. */
export const taskEnv = {
  ...commonEnv,
  PUBLIC_API_URL: { ref: 'apiUrl' },
  PORTAL_URL: { ref: 'portalUrl' },
  TASK_TOKEN_KEY_ID: { ref: 'key' },
  LINK_KEY_SECRET_ID: { ref: 'secret', secret: 'approval-link-key' },
} as const;

/**
 * What a function that answers a paged list needs: the key its cursors are sealed with (each
 * cursor is bound to the list, the query and the caller, so it is opaque and cannot be replayed
 * on another query or by another caller).
 */
export const cursorEnv = { CURSOR_KEY_SECRET_ID: { ref: 'secret', secret: 'list-cursor-key' } } as const;
export const cursorKeyRead = { secret: 'list-cursor-key', access: 'read' } as const;

/** The search database's name (in the cluster, and locally). */
export const SEARCH_DB_NAME = 'ciss_search';
