import { AGENCIES } from '../domain/registry';
import { municipalitiesConnected, withState, type RegisteredAgency } from '../domain/state';
import type { AgencyStates } from '../ports';

/**
 * GET /agencies (unit, operations, auditor): the registry with what has happened to each agency.
 * 1. the reference data (domain/registry.ts: synthetic ORIs, see there)
 * 2. each agency's provisioning and connection from the table
 * 3. a summary: municipalities connected now, agencies provisioned and connected
 */
export async function listAgencies(ports: { readonly states: AgencyStates; readonly now: () => string }): Promise<{ agencies: RegisteredAgency[]; summary: Record<string, number> }> {
  const agencies = withState(AGENCIES, await ports.states.all());
  const municipalities = municipalitiesConnected(agencies, ports.now());
  return {
    agencies,
    summary: {
      agencies: agencies.length,
      municipalities: municipalities.total,
      municipalitiesConnected: municipalities.connected,
      provisioned: agencies.filter((a) => a.provisionedAt).length,
      connected: agencies.filter((a) => a.connectedAt).length,
    },
  };
}
