import type { Agency } from './registry';

/** What the registry records of an agency over time (the main table); absent fields have not happened. */
export interface AgencyState {
  readonly ori: string;
  /** When the unit provisioned it (its RMS machine client made through this API). */
  readonly provisionedAt?: string;
  /** The machine client made then (its id only: the secret is shown once and never kept). */
  readonly clientId?: string;
  /** When its RMS machine client's first packet was received: it is live from then. */
  readonly connectedAt?: string;
  /** That first packet. */
  readonly firstPacketId?: string;
}

/** An agency of the registry with what has happened to it. */
export type RegisteredAgency = Agency & Omit<AgencyState, 'ori'>;

export function withState(agencies: readonly Agency[], states: readonly AgencyState[]): RegisteredAgency[] {
  const byOri = new Map(states.map((s) => [s.ori, s]));
  return agencies.map((a) => {
    const s = byOri.get(a.ori);
    return { ...a, ...(s?.provisionedAt ? { provisionedAt: s.provisionedAt } : {}), ...(s?.clientId ? { clientId: s.clientId } : {}), ...(s?.connectedAt ? { connectedAt: s.connectedAt } : {}), ...(s?.firstPacketId ? { firstPacketId: s.firstPacketId } : {}) };
  });
}

/** Municipalities whose agency was connected at `at` (inclusive), and how many there are. */
export function municipalitiesConnected(agencies: readonly RegisteredAgency[], at: string): { connected: number; total: number; share: number } {
  const municipal = agencies.filter((a) => a.kind === 'municipal');
  const connected = municipal.filter((a) => a.connectedAt !== undefined && a.connectedAt <= at).length;
  return { connected, total: municipal.length, share: municipal.length ? connected / municipal.length : 0 };
}
