import type { RegisteredAgency } from '../agencies/domain/state';
import type { SourceState, TrailRecord } from './domain/figures';

/** The audit trail as the figures read it: by type and time (an index), and one subject's start. */
export interface TrailByType {
  /** Every record of a type with `from <= at < to`. */
  ofType(type: string, from: string, to: string): Promise<TrailRecord[]>;
  /** When a subject's trail starts (its first record), if it has one. */
  firstAt(subject: { readonly type: string; readonly id: string }): Promise<string | undefined>;
}

export interface ProgramPorts {
  readonly trail: TrailByType;
  /** The agency registry with each agency's provisioning and connection. */
  readonly agencies: () => Promise<RegisteredAgency[]>;
  /** CISS Search's source systems and when each last delivered; with a range of days, on how many of them each delivered. */
  readonly sources: (range?: { readonly from: string; readonly to: string }) => Promise<SourceState[]>;
  readonly now: () => string;
}
