import { unitEnv } from './access';
import { auditAppend, commonEnv, tableRef } from './shared';

/**
 * The manifest's accounts part (issue 17, accounts that end): the routes, the daily sweep and
 * its schedule, and the account check every token route makes, merged into `infra/manifest.ts`.
 * Plain `as const` literals (checked there).
 */

const rw = { table: 'main', access: 'readwrite' } as const;
const read = { table: 'main', access: 'read' } as const;
const routeEnv = { TABLE_NAME: tableRef('main'), AUDIT_TABLE_NAME: tableRef('audit') } as const;
/** Where accounts end outside the table: the Cognito user pool in AWS (`local` in the embedded runtime, whose issuer reads the account record). */
const directoryEnv = { ...commonEnv, ...unitEnv, USER_POOL_ID: { ref: 'userPool' }, PORTAL_URL: { ref: 'portalUrl' } } as const;

/** What every token route's function gets for the account check (functions/shared/adapters/account-check.ts). */
export const accountCheckEnv = { ACCOUNTS_TABLE_NAME: tableRef('main') } as const;
export const accountCheckPermission = { accounts: 'check' } as const;

type WithAccountCheck<T extends { readonly env: object; readonly permissions: readonly unknown[] }> = Omit<T, 'env' | 'permissions'> & {
  readonly env: T['env'] & typeof accountCheckEnv;
  readonly permissions: readonly [...T['permissions'], typeof accountCheckPermission];
};

/**
 * Every route function, with the account check: a person's token issued before their account
 * was removed (or after it was disabled) is refused by the route's middleware, in both back-ends.
 */
export function accountCheck<T extends Readonly<Record<string, { readonly env: object; readonly permissions: readonly unknown[] }>>>(fns: T): { readonly [K in keyof T]: WithAccountCheck<T[K]> } {
  return Object.fromEntries(Object.entries(fns).map(([name, fn]) => [name, { ...fn, env: { ...fn.env, ...accountCheckEnv }, permissions: [...fn.permissions, accountCheckPermission] }])) as unknown as { readonly [K in keyof T]: WithAccountCheck<T[K]> };
}

export const accountsRouteFunctions = {
  'accounts-list': {
    entry: 'functions/accounts/list.ts',
    description: "Accounts: who holds which access and their last sign-in (an agency administrator: their agency's; the unit: every agency's)",
    env: routeEnv,
    permissions: [read, auditAppend],
  },
  'accounts-remove': {
    entry: 'functions/accounts/remove.ts',
    description: "Accounts: an agency administrator removes a leaver's account; access ends at once (grants, sign-out, tokens), open tasks go to the administrator",
    env: directoryEnv,
    permissions: [rw, auditAppend, { ses: 'send' }, { userPool: 'accounts' }],
  },
  'accounts-enable': {
    entry: 'functions/accounts/enable.ts',
    description: 'Accounts: a disabled account enabled again: the agency administrator asks, the unit approves (never a removed one)',
    env: directoryEnv,
    permissions: [rw, auditAppend, { ses: 'send' }, { userPool: 'accounts' }],
  },
  'access-reviews-list': {
    entry: 'functions/accounts/reviews.ts',
    description: "Accounts: the quarterly access reviews (an agency administrator: their agency's; the unit: every agency's)",
    env: routeEnv,
    permissions: [read, auditAppend],
  },
  'access-reviews-confirm': {
    entry: 'functions/accounts/confirm.ts',
    description: "Accounts: an agency administrator confirms the accounts of the quarter's review that still need their access",
    env: routeEnv,
    permissions: [rw, auditAppend],
  },
} as const;

export const accountsFunctions = {
  'accounts-sweep': {
    entry: 'functions/accounts/sweep.ts',
    description: 'Accounts: the daily sweep: the 75-day notice, disabling after 90 days without sign-in, the quarterly review lists and disabling what was not confirmed in 30 days',
    env: directoryEnv,
    permissions: [rw, auditAppend, { ses: 'send' }, { userPool: 'accounts' }],
    timeoutSeconds: 300,
  },
} as const;

export const accountsSchedules = {
  'accounts-sweep': {
    description: 'Accounts that end: inactivity notices and disabling, quarterly access reviews (daily)',
    everyMinutes: 24 * 60,
    target: { function: 'accounts-sweep' },
  },
} as const;
