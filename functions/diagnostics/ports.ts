import { loadEnv, nonEmpty } from '#shared/env';
import { DiagnosticsRuns } from './adapters/runs';

/** The run records of the diagnostics functions that write to the table. */
export const runs = new DiagnosticsRuns(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME);
