/**
 * The manifest's dissemination part: the functions behind the notices and rules routes
 * (functions/dissemination/routes.ts), the function the arrest events wake, the retry schedule,
 * merged into `infra/manifest.ts`. Plain `as const` literals (checked there), so the types do not loop.
 */
import { SearchRecordsWritten } from '../../events/search-records-written';
import { RULE_EVENTS, sourcesHeard } from '../../functions/dissemination/domain/rules';
import { searchDbEnv } from './search';
import { auditAppend, commonEnv } from './shared';

/** What a function that sends notices needs: mail, and the portal's address for the notice's link. */
const sendingEnv = { ...commonEnv, PORTAL_URL: { ref: 'portalUrl' } } as const;

export const disseminationRouteFunctions = {
  'notices-list': {
    entry: 'functions/dissemination/notices-list.ts',
    description: "Dissemination: the caller's notices (to their address or their office), newest first, less the rules they muted",
    env: commonEnv,
    // auditAppend: a caller refused by role is audited (RouteDenied) like on every route.
    permissions: [{ table: 'main', access: 'read' }, auditAppend],
  },
  'notices-read': {
    entry: 'functions/dissemination/notices-read.ts',
    description: "Dissemination: one of the caller's notices, the page its e-mail links to",
    env: commonEnv,
    permissions: [{ table: 'main', access: 'read' }, auditAppend],
  },
  'notices-mute': {
    entry: 'functions/dissemination/notices-mute.ts',
    description: "Dissemination: a receiver mutes or unmutes a rule's notices for themselves, where the rule allows; audited",
    env: commonEnv,
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend],
  },
  'dissemination-rules': {
    entry: 'functions/dissemination/rules.ts',
    description: 'Dissemination: the rules as data (event, condition, receivers, fields, version, review), each with its run-time switch',
    env: commonEnv,
    permissions: [{ table: 'main', access: 'read' }, auditAppend],
  },
  'dissemination-rule-switch': {
    entry: 'functions/dissemination/rule-switch.ts',
    description: 'Dissemination: switches a rule off or on from the next event, without a deployment; audited',
    env: commonEnv,
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend],
  },
  'dissemination-failed': {
    entry: 'functions/dissemination/failed.ts',
    description: 'Dissemination: notices whose last e-mail attempt failed, for operations (ids and roles only)',
    env: commonEnv,
    permissions: [{ table: 'main', access: 'read' }, auditAppend],
  },
  'dissemination-redrive': {
    entry: 'functions/dissemination/redrive.ts',
    description: 'Dissemination: operations redrive a failed notice, tried again at once; audited',
    env: sendingEnv,
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { ses: 'send' }],
  },
} as const;

export const disseminationFunctions = {
  'dissemination-disseminate': {
    entry: 'functions/dissemination/disseminate.ts',
    description: "Dissemination: runs the rules on an arrest event or on a search source's records search wrote, asks CISS Search what is known of the person, writes each notice once and e-mails it",
    env: { ...sendingEnv, ...searchDbEnv('query') },
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { ses: 'send' }, { searchDb: 'query' }],
    timeoutSeconds: 30,
  },
  'dissemination-retry': {
    entry: 'functions/dissemination/retry.ts',
    description: 'Dissemination: tries again each notice whose next e-mail attempt is due (after a backoff); the last failure leaves it FAILED for operations',
    env: sendingEnv,
    permissions: [{ table: 'main', access: 'readwrite' }, auditAppend, { ses: 'send' }],
    timeoutSeconds: 60,
  },
} as const;

export const disseminationEventRules = {
  'dissemination-arrest-events': {
    description: 'An arrest packet was received, accepted, made available or adjudicated: run the dissemination rules',
    pattern: { source: ['ciss.arrests'], 'detail-type': [...RULE_EVENTS] },
    target: { function: 'dissemination-disseminate' },
  },
  'dissemination-source-records': {
    description: "Search wrote the records a source pushed (SearchRecordsWritten, after its SearchRecordsChanged): run the rules that name the source",
    pattern: { source: [SearchRecordsWritten.source], 'detail-type': [SearchRecordsWritten.detailType], detail: { source: sourcesHeard() } },
    target: { function: 'dissemination-disseminate' },
  },
} as const;

export const disseminationSchedules = {
  'dissemination-retry': {
    description: 'Tries again the notices whose e-mail failed and whose next attempt is due',
    everyMinutes: 5,
    target: { function: 'dissemination-retry' },
  },
} as const;
