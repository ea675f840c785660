// Active expiry, as Redis's activeExpireCycle: ten times a second sample 20 keys that have a TTL,
// delete the expired ones, and go on while more than a quarter of a sample had expired, within a
// time budget (25% of the period), so memory of keys nobody reads again is given back.

import type { Keyspace } from './keyspace.js';

const PERIOD_MS = 100;
const SAMPLE = 20;
const BUDGET_MS = 25;

export class ActiveExpiry {
  private timer: NodeJS.Timeout | null = null;
  cycles = 0;

  constructor(private readonly keyspace: Keyspace) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.cycle(), PERIOD_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One cycle; returns the number of keys expired. */
  cycle(): number {
    this.cycles++;
    const ks = this.keyspace;
    const t0 = Date.now();
    let total = 0;
    for (;;) {
      if (ks.expiringCount === 0) break;
      const now = Date.now();
      const n = ks.sampleExpired(SAMPLE, now);
      total += n;
      if (n * 4 <= SAMPLE || now - t0 >= BUDGET_MS) break;
    }
    return total;
  }
}
