// The baselines run live (bench/tiering/live-rules.ts): memtier's and TieredMemDB's rules, the
// same code the simulator runs (bench/controller/rules.ts), steering a real `tiermem serve` from
// the client while the store's controller is paused and its migrator is off.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CLASSES, runClass, segmentFigures, startServe, type Server } from '../bench/tiering/live-classes.js';
import { attachRule, BASELINE_START } from '../bench/tiering/live-rules.js';

const oneSize = CLASSES.find((c) => c.name === 'one-size')!;

describe('baseline rules live', () => {
  it("memtier's rule moves the threshold and holds one-size inside the band, alone", async () => {
    const r = await runClass(oneSize, { seed: 1, scale: 0.2, rule: 'memtier' });
    const [f] = segmentFigures(r);
    const what = JSON.stringify({ ...f, checks: r.ruleChecks, moves: r.ruleMoves, status: r.status });
    // One check per 20 allocating commands (SETs: 80% of the churn's, every fill command).
    expect(r.ruleChecks, what).toBeGreaterThan((0.7 * r.ops) / 20);
    expect(r.ruleChecks, what).toBeLessThanOrEqual(r.ops / 20);
    // Starting at 4096 (every 1 KiB value in DRAM) the rule must walk the threshold down.
    expect(r.ruleMoves, what).toBeGreaterThan(5);
    expect(r.status, what).toBe('paused');
    expect(r.migratedToPmem + r.migratedToDram, what).toBe(0);
    expect(f!.settleMs, what).toBeLessThan(Infinity);
    expect(f!.steadyError, what).toBeLessThan(0.01);
  }, 30_000);

  describe('on a served store', () => {
    let server: Server;
    let redis: Redis;
    afterAll(async () => {
      redis?.disconnect();
      await server?.stop();
    });

    it("pauses the store's controller, keeps it paused through a target change, and ticks at its period", async () => {
      server = await startServe();
      const connect = async (): Promise<Redis> => {
        const c = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
        await c.connect();
        return c;
      };
      redis = await connect();
      const cmds = Array.from({ length: 2000 }, (_, i) => ['set', `k${i}`, 'v'.repeat(1000)]);
      const t0 = performance.now();
      const rule = await attachRule('tieredmemdb', redis, { periodMs: 100, connect });
      const info = async (name: string): Promise<string> =>
        new RegExp(`^${name}:(.*)$`, 'm').exec(await redis.info())![1]!.trim();
      expect(await info('controller_status')).toBe('paused');
      expect(await info('migrate_rate_limit')).toBe('0');
      expect(Number(await info('pmem_threshold'))).toBe(BASELINE_START);
      await rule.exec(cmds);
      await new Promise((r) => setTimeout(r, 1000));
      await rule.target('1:1');
      expect(await info('controller_status')).toBe('paused');
      expect(await info('dram_share_target')).toBe('0.5000');
      await new Promise((r) => setTimeout(r, 500));
      const ms = performance.now() - t0;
      await rule.stop();
      // All 2000 values in DRAM at 1:4: TieredMemDB lowers the threshold on every tick.
      // 60-99% of the nominal ticks were reached in the benchmark at load 11-19.
      expect(rule.checks).toBeGreaterThan((0.3 * ms) / 100);
      expect(rule.checks).toBeLessThan((1.2 * ms) / 100 + 2);
      expect(rule.moves).toBeGreaterThan(0);
      expect(Number(await info('pmem_threshold'))).toBeLessThan(BASELINE_START);
      expect(await info('migrated_to_pmem_bytes')).toBe('0');
    }, 20_000);
  });
});
