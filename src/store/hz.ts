// Redis's hz and dynamic-hz: how often the store's periodic work runs. As serverCron, one cron
// run every 1000/hz ms does the active expiry cycle (with a time budget of 25 ms / hz, so the
// expiry's share of the loop stays the same at any hz), incremental rehashing, eviction and
// migration steps, background freeing, and the persistence checks (save points, BGSAVE and
// AOF-rewrite progress and scheduling). With dynamic-hz the rate doubles (up to 500) while
// there are more than 200 clients per tick, as serverCron adapts server.hz. The idle-client
// check stays once a second: Redis's clientsCron visits every client about once a second at any
// hz (numclients/hz per tick).

import type { ConfigParam } from './config-params.js';
import type { StoreHost } from './host.js';

/** Redis's CONFIG_MIN_HZ, CONFIG_MAX_HZ, CONFIG_DEFAULT_HZ and MAX_CLIENTS_PER_CLOCK_TICK. */
export const MIN_HZ = 1;
export const MAX_HZ = 500;
export const DEFAULT_HZ = 10;
const MAX_CLIENTS_PER_CLOCK_TICK = 200;
/** The cron's time budget at hz 10; it scales with 1/hz (Redis's slow expiry cycle does). */
const BUDGET_US_AT_DEFAULT_HZ = 2500;

export interface HzState {
  /** configured_hz: CONFIG SET hz, clamped to 1..500 (updateHZ). */
  configured: number;
  /** dynamic-hz. */
  dynamic: boolean;
  /** hz: the rate the last cron run chose (INFO server). */
  current: number;
}

export const defaultHz = (): HzState => ({ configured: DEFAULT_HZ, dynamic: true, current: DEFAULT_HZ });

/** serverCron's choice of server.hz for this tick. */
export function effectiveHz(s: HzState, clients: number): number {
  let hz = s.configured;
  if (s.dynamic) {
    while (clients / hz > MAX_CLIENTS_PER_CLOCK_TICK) {
      hz *= 2;
      if (hz > MAX_HZ) return MAX_HZ;
    }
  }
  return hz;
}

/** The cron's engine time budget at a rate. */
export const cronBudgetUs = (hz: number): number =>
  Math.max(1, Math.round((BUDGET_US_AT_DEFAULT_HZ * DEFAULT_HZ) / hz));

/**
 * Run `tick(budgetUs)` now and then every 1000/hz ms, the rate re-chosen at each run (a CONFIG SET
 * hz takes effect after the current period, as serverCron's returned period does). The timer
 * never keeps the process alive.
 */
export function startCron(host: StoreHost, tick: (budgetUs: number) => void): { stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    const hz = effectiveHz(host.hz, host.clients.size);
    host.hz.current = hz;
    tick(cronBudgetUs(hz));
    if (stopped) return;
    timer = setTimeout(run, 1000 / hz);
    timer.unref();
  };
  run();
  return {
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** CONFIG hz and dynamic-hz (Redis's checks, the clamp included, come from config-redis.ts). */
export const HZ_PARAMS: readonly ConfigParam[] = [
  {
    name: 'hz',
    default: String(DEFAULT_HZ),
    get: (e) => String(e.hz.configured),
    set: (e, v) => {
      // The value arrives checked and clamped (config-accepted.ts).
      e.hz.configured = Math.min(MAX_HZ, Math.max(MIN_HZ, Number(v)));
      e.hz.current = e.hz.configured;
      return null;
    },
  },
  {
    name: 'dynamic-hz',
    default: 'yes',
    get: (e) => (e.hz.dynamic ? 'yes' : 'no'),
    set: (e, v) => {
      e.hz.dynamic = v === 'yes';
      return null;
    },
  },
];
