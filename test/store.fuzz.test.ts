// RESP fuzzing of the running store (issue 15): `tiermem serve` as its own process takes random
// argument vectors over its own command table, truncated, garbage, huge and inline frames, bad
// multibulk lengths and pathological glob patterns. After every case a separate control
// connection must get PONG within 100 ms, another client's keys must read back byte for byte,
// and the process must still be running. Malformed frames also go to redis-server 7.0.15: the
// store must reply and close (or not) exactly as it does.
//
// Seeded: TIERMEM_FUZZ_SEED replays a run. CI runs TIERMEM_FUZZ_CASES (default 2500) random
// cases after the fixed pattern cases; TIERMEM_FUZZ_SECONDS=600 runs for that long instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand } from './diff/resp.js';
import { Rng } from './diff/prng.js';
import {
  argvCase,
  collectTokens,
  EXCLUDED,
  garbageCase,
  globCases,
  hugeCase,
  inlineCase,
  multibulkCase,
  protocolFrames,
  publishToSubjects,
  setup,
  truncatedCase,
  type CommandInfo,
  type FuzzCase,
} from './fuzz/cases.js';
import { FuzzConn } from './fuzz/conn.js';
import { startRedisProcess, startStoreProcess, type ServerProcess } from './fuzz/store-process.js';

const SEED = Number(process.env.TIERMEM_FUZZ_SEED ?? 1515);
const CASES = Number(process.env.TIERMEM_FUZZ_CASES ?? 2500);
const SECONDS = Number(process.env.TIERMEM_FUZZ_SECONDS ?? 0);
const PING_LIMIT_MS = 100;

const enc = (...a: string[]): Buffer => encodeCommand(a.map((s) => Buffer.from(s, 'latin1')));

/** One request of the RESP2 array reply as plain strings (enough for COMMAND LIST/DOCS). */
function decode(buf: Buffer, pos = 0): [unknown, number] {
  const eol = buf.indexOf('\r\n', pos);
  const line = buf.toString('latin1', pos + 1, eol);
  const t = buf[pos];
  if (t === 0x24) {
    const n = Number(line);
    if (n < 0) return [null, eol + 2];
    return [buf.toString('latin1', eol + 2, eol + 2 + n), eol + 4 + n];
  }
  if (t === 0x2a) {
    const items: unknown[] = [];
    let at = eol + 2;
    for (let i = Number(line); i > 0; i--) {
      const [v, next] = decode(buf, at);
      items.push(v);
      at = next;
    }
    return [items, at];
  }
  return [line, eol + 2];
}

async function call(c: FuzzConn, frame: Buffer, replies = 1, ms = 10_000): Promise<Buffer> {
  c.reset();
  c.send(frame);
  const r = await c.wait(replies, ms);
  if (r !== 'replied') throw new Error(`control call: ${r}`);
  return Buffer.from(c.received());
}

/** A frame on a fresh connection: what came back, and whether the server closed it. */
async function exchange(port: number, frame: Buffer): Promise<{ data: string; closed: boolean }> {
  const c = await FuzzConn.open(port);
  c.send(frame);
  await c.wait(Number.MAX_SAFE_INTEGER, 150);
  const out = { data: c.received().toString('latin1'), closed: c.closed };
  c.close();
  return out;
}

describe('RESP fuzzing of the running store', () => {
  let dir: string;
  let store: ServerProcess;
  let redis: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiermem-fuzz-'));
    [store, redis] = await Promise.all([startStoreProcess(dir), startRedisProcess(dir)]);
  });
  afterAll(async () => {
    await Promise.all([store?.stop(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('malformed frames: replies and closes exactly as redis-server 7.0.15', async () => {
    const frames = protocolFrames(new Rng(SEED), 160);
    const mismatches: string[] = [];
    let closedByBoth = 0;
    for (let i = 0; i < frames.length; i += 16) {
      const batch = frames.slice(i, i + 16);
      const results = await Promise.all(
        batch.map((f) => Promise.all([exchange(store.port, f), exchange(redis.port, f)])),
      );
      results.forEach(([ours, theirs], k) => {
        if (ours.closed && theirs.closed) closedByBoth++;
        if (ours.data !== theirs.data || ours.closed !== theirs.closed)
          mismatches.push(
            `${JSON.stringify(batch[k]?.toString('latin1'))}: store ${JSON.stringify(ours)} redis ${JSON.stringify(theirs)}`,
          );
      });
    }
    console.log(
      `fuzz protocol frames: ${frames.length} compared, ${closedByBoth} closed by both, ${mismatches.length} mismatches`,
    );
    expect(mismatches).toEqual([]);
    expect(store.exited()).toBeNull();
  });

  it(
    'random commands and frames, pathological patterns: PONG within 100 ms after each, other clients intact, no crash',
    async () => {
      const port = store.port;
      const ctl = await FuzzConn.open(port);
      const other = await FuzzConn.open(port);
      const feeder = await FuzzConn.open(port);

      // The command table, as the store lists it, with each command's option tokens.
      const names = decode(await call(ctl, enc('COMMAND', 'LIST')))[0] as string[];
      const docs = decode(await call(ctl, enc('COMMAND', 'DOCS')))[0] as unknown[];
      const tokensOf = new Map<string, Set<string>>();
      for (let i = 0; i + 1 < docs.length; i += 2) {
        const set = new Set<string>();
        collectTokens(docs[i + 1], set);
        tokensOf.set(String(docs[i]).toLowerCase(), set);
      }
      const allTokens = [...new Set([...tokensOf.values()].flatMap((s) => [...s]))];
      const commands: CommandInfo[] = names
        .map((n) => n.toLowerCase())
        .filter((n) => !EXCLUDED.has(n))
        .map((name) => ({ name, tokens: [...(tokensOf.get(name.split('|')[0] ?? name) ?? [])] }));
      expect(commands.length).toBeGreaterThan(150);

      // Another client's data in db 5: read back byte for byte after the cases.
      await call(other, enc('SELECT', '5'));
      await call(
        other,
        Buffer.concat([
          enc('SET', 'keep:str', 'untouched'),
          enc('RPUSH', 'keep:list', 'a', 'b', 'c'),
          enc('HSET', 'keep:hash', 'f', 'v', 'g', 'w'),
          enc('SADD', 'keep:set', '1', '2', '3'),
          enc('ZADD', 'keep:zset', '1', 'x', '2', 'y'),
        ]),
        5,
      );
      const readBack = Buffer.concat([
        enc('GET', 'keep:str'),
        enc('LRANGE', 'keep:list', '0', '-1'),
        enc('HGETALL', 'keep:hash'),
        enc('SMEMBERS', 'keep:set'),
        enc('ZRANGE', 'keep:zset', '0', '-1', 'WITHSCORES'),
        enc('TTL', 'keep:str'),
      ]);
      const expected = (await call(other, readBack, 6)).toString('latin1');
      const setupFrame = Buffer.concat(setup().map(encodeCommand));
      await call(feeder, setupFrame, setup().length);

      const rng = new Rng(SEED);
      const counts = new Map<string, number>();
      const pings: number[] = [];
      const failures: string[] = [];
      const fail = (text: string): void => {
        failures.push(text);
        console.error(`fuzz failure: ${text}`);
      };
      let retried = 0;
      let argvOk = 0;
      let argvErrors = 0;
      let fuzz: FuzzConn | null = null;
      let hang = false;

      const runCase = async (c: FuzzCase): Promise<void> => {
        if (!fuzz || fuzz.closed) fuzz = await FuzzConn.open(port);
        const conn: FuzzConn = fuzz;
        conn.reset();
        for (const [k, w] of c.writes.entries()) {
          if (k > 0) await new Promise((r) => setImmediate(r));
          conn.send(w);
        }
        const r = await conn.wait(Math.max(1, c.replies), c.waitMs);
        if (conn.garbage) fail(`not RESP (${conn.garbage}) after ${c.kind}: ${c.label}`);
        if (c.kind === 'argv' && r === 'replied') {
          if (conn.received()[0] === 0x2d) argvErrors++;
          else argvOk++;
        }
        if (c.kind === 'psubscribe' && r === 'replied') await call(feeder, publishToSubjects(), 2);
        if (c.discard || r !== 'replied' || conn.closed) {
          conn.close();
          fuzz = null;
        }
      };
      /** PING on the control connection: its round trip in ms, or Infinity with no answer in 10 s. */
      const ping = async (): Promise<number> => {
        ctl.reset();
        const t0 = performance.now();
        ctl.send('PING\r\n');
        const r = await ctl.wait(1, 10_000);
        return r === 'replied' ? performance.now() - t0 : Infinity;
      };

      const fixed = globCases();
      const deadline = SECONDS > 0 ? Date.now() + SECONDS * 1000 : 0;
      for (let i = 0; ; i++) {
        let c: FuzzCase;
        if (i < fixed.length) c = fixed[i] as FuzzCase;
        else if (deadline ? Date.now() > deadline : i >= fixed.length + CASES) break;
        else {
          const r = rng.next();
          if (r < 0.72) c = argvCase(rng, commands, allTokens);
          else if (r < 0.8) c = truncatedCase(rng, commands, allTokens);
          else if (r < 0.86) c = garbageCase(rng);
          else if (r < 0.91) c = inlineCase(rng);
          else if (r < 0.97) c = multibulkCase(rng);
          else c = hugeCase(rng);
        }
        counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
        await runCase(c);
        let ms = await ping();
        if (ms > PING_LIMIT_MS && ms !== Infinity) {
          // Once more: a shared machine's scheduler can stall one PING; a slow case stays slow.
          retried++;
          await runCase(c);
          ms = await ping();
        }
        pings.push(ms);
        const status = store.exited();
        if (status !== null) {
          fail(`crash (${status}) after case ${i} ${c.kind}: ${c.label}\n${store.output().slice(-2000)}`);
          break;
        }
        if (ms === Infinity) {
          hang = true;
          fail(`hang: no PONG in 10 s after case ${i} ${c.kind}: ${c.label}`);
          break;
        }
        if (ms > PING_LIMIT_MS) fail(`PONG after ${ms.toFixed(0)} ms after case ${i} ${c.kind}: ${c.label}`);
        if (i % 10 === 9) {
          const now = (await call(other, readBack, 6)).toString('latin1');
          if (now !== expected) fail(`other client's keys changed after case ${i} ${c.kind}: ${c.label}`);
        }
        if (i % 100 === 99) await call(feeder, setupFrame, setup().length);
      }
      (fuzz as FuzzConn | null)?.close();

      if (!hang && store.exited() === null) {
        expect((await call(other, readBack, 6)).toString('latin1')).toBe(expected);
        // Every fuzz connection is gone from the server once closed (none leaked).
        let clients = '';
        for (let k = 0; k < 50; k++) {
          clients = /connected_clients:(\d+)/.exec((await call(ctl, enc('INFO', 'clients'))).toString())?.[1] ?? '';
          if (clients === '3') break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(clients).toBe('3');
      }
      ctl.close();
      other.close();
      feeder.close();

      const sorted = [...pings].sort((a, b) => a - b);
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      console.log(
        `fuzz: seed ${SEED}, ${total} cases (${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
          `argv replies ${argvOk} ok / ${argvErrors} errors, hangs ${hang ? 1 : 0}, crashes ${store.exited() === null ? 0 : 1}, slow PONGs retried ${retried}, ` +
          `PONG p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]?.toFixed(2)} ms, ` +
          `max ${sorted[sorted.length - 1]?.toFixed(2)} ms`,
      );
      expect(failures).toEqual([]);
      expect(store.exited()).toBeNull();
    },
    SECONDS > 0 ? SECONDS * 1000 + 120_000 : Math.max(60_000, CASES * 40 + 30_000),
  );
});
