/**
 * Where people's account records live in the main table (functions/accounts): `PERSON#<sub>` /
 * `ACCOUNT`. A leaf module: the infra grants GetItem on this prefix only to the account check
 * every token route makes (adapters/account-check.ts).
 */
export const ACCOUNT_KEY_PREFIX = 'PERSON#';
export const accountKey = (accountId: string) => ({ pk: `${ACCOUNT_KEY_PREFIX}${accountId}`, sk: 'ACCOUNT' });
