import { auditTable } from '#shared/audit';
import { nowIso } from '#shared/time';
import { DynamoAgencyStates } from '../../agencies/adapters/store';
import { AGENCIES } from '../../agencies/domain/registry';
import { withState } from '../../agencies/domain/state';
import { searchEngine } from '../../search/adapters/engine';
import type { ProgramPorts } from '../ports';
import { sourceStates } from './sources';
import { DynamoTrailByType } from './trail';

/** The figures' ports on the audit table, the main table (the registry) and the search database. */
export function programPorts(tableName: string): ProgramPorts {
  const states = new DynamoAgencyStates(tableName);
  return {
    trail: new DynamoTrailByType(auditTable),
    agencies: async () => withState(AGENCIES, await states.all()),
    sources: (range) => sourceStates(searchEngine('query'), range),
    now: nowIso,
  };
}
