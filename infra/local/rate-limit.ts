import type { PerSourceLimit } from '../manifest';

/**
 * WAF's rate-based rule, local: at most `requests` per source IP and route in any sliding
 * window of `windowSeconds`, on the runtime's clock (tests move it). Only requests let through
 * count, as WAF counts what it sees; a refused one does not extend the block.
 */
export class PerSourceLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Whether this request may pass; records it when it does. */
  allow(route: string, sourceIp: string, limit: PerSourceLimit): boolean {
    const key = `${route} ${sourceIp}`;
    const now = this.now();
    const recent = (this.seen.get(key) ?? []).filter((t) => now - t < limit.windowSeconds * 1000);
    if (recent.length >= limit.requests) {
      this.seen.set(key, recent);
      return false;
    }
    recent.push(now);
    this.seen.set(key, recent);
    return true;
  }
}
