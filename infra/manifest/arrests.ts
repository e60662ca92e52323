/**
 * The manifest's arrests part: its functions, routes, machines and event rules, merged into
 * `infra/manifest.ts`. Plain `as const` literals (checked there), so the types do not loop.
 */
export const arrestFunctions = {} as const;
export const arrestRoutes = [] as const;
export const arrestMachines = {} as const;
export const arrestEventRules = {} as const;
