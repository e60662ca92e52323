/**
 * The manifest's access part: its functions, routes, machines and event rules, merged into
 * `infra/manifest.ts`. Plain `as const` literals (checked there), so the types do not loop.
 */
export const accessFunctions = {} as const;
export const accessRoutes = [] as const;
export const accessMachines = {} as const;
export const accessEventRules = {} as const;
