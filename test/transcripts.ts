// Scenarios with real clients, run against redis-server 7.0.15 and the store: each scenario is a
// script over a port that returns its transcript, and the two transcripts must be equal.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { startTestStore, type TestStore } from './store-harness.js';

export type Scenario = (port: number) => Promise<unknown[]>;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Settle a promise into a comparable value (errors as their message). */
export async function settle<T>(p: Promise<T>): Promise<T | string> {
  try {
    return await p;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/**
 * Inside a describe: start both servers for its tests and add one test per scenario. Returns the
 * store, for tests of the store alone in the same describe (valid once beforeAll ran).
 */
export function sameTranscripts(cases: [string, Scenario][]): { store(): TestStore } {
  let redis: RedisServer | undefined;
  let store: TestStore | undefined;
  beforeAll(async () => {
    [redis, store] = await Promise.all([startRedisServer(), startTestStore()]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([redis?.close(), store?.close()]);
  });
  for (const [name, scenario] of cases) {
    it(
      name,
      async () => {
        const want = await scenario(redis!.port);
        const got = await scenario(store!.port);
        expect(got).toEqual(want);
      },
      30_000,
    );
  }
  return { store: () => store! };
}
