// auto-aof-rewrite-min-size is exact over Redis's whole range (0..LLONG_MAX), beyond 2^53: the
// cron's trigger compares it exactly, and CONFIG SET/GET/REWRITE and a config file give what
// redis-server 7.0.15 gives.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeStore } from '../src/native.js';
import type { AppendOnlyFile } from '../src/store/aof.js';
import { AofRewriter } from '../src/store/aof-rewrite.js';
import { CONFIG_BY_NAME } from '../src/store/config-params.js';
import type { StoreHost } from '../src/store/host.js';
import { freePort } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import { formatReply } from './diff/format.js';
import { redisFromFile, tiermemFromFile } from './conf-servers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-aofmin-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TWO_53 = 2 ** 53;

/**
 * Whether the cron starts an automatic rewrite for an AOF of `size` bytes (far past 100% growth),
 * with auto-aof-rewrite-min-size set as CONFIG SET sets it (Redis's checks, then the store's).
 */
function triggers(minSize: string, size: number): boolean {
  const aof = { state: 'on', currentSize: size, baseSize: 1 } as unknown as AppendOnlyFile;
  const rw = new AofRewriter(null as unknown as NativeStore, aof, null, () => {});
  const host = { aofRewrite: rw } as unknown as StoreHost;
  expect(CONFIG_BY_NAME.get('auto-aof-rewrite-min-size')!.set!(host, minSize)).toBeNull();
  expect(rw.autoMinSize).toBe(BigInt(minSize));
  let started = false;
  rw.start = (): boolean => (started = true);
  rw.tick();
  return started;
}

describe('auto-aof-rewrite-min-size beyond 2^53', () => {
  it('the growth trigger compares the exact value (2^53 + 3 is not 2^53)', () => {
    // An AOF of 2^53 + 2 bytes, far past 100% growth: above a min-size of 2^53 + 1, not of 2^53 + 3.
    expect(triggers(String(BigInt(TWO_53) + 1n), TWO_53 + 2)).toBe(true);
    expect(triggers(String(BigInt(TWO_53) + 3n), TWO_53 + 2)).toBe(false);
    expect(triggers('9223372036854775807', TWO_53 + 2)).toBe(false);
    // Equal is not above, as Redis's `aof_current_size > auto_aof_rewrite_min_size`.
    expect(triggers(String(TWO_53 + 2), TWO_53 + 2)).toBe(false);
    expect(triggers('67108864', 67108865)).toBe(true);
  });

  it('CONFIG SET / GET / REWRITE and the config file, against redis-server', async () => {
    const values = ['9007199254740993', '9223372036854775807', '8796093022207gb', '9223372036854775808', '-1'];
    const rport = await freePort();
    const rfile = join(dir, 'r.conf');
    const tfile = join(dir, 't.conf');
    writeFileSync(rfile, `port ${rport}\nsave ""\nappendonly yes\ndir ${dir}\nappenddirname r-aof\n`);
    writeFileSync(tfile, `port 0\nappendonly yes\ndir ${dir}\nappenddirname t-aof\n`);
    const redis = await redisFromFile(rfile, rport);
    const tm = await tiermemFromFile(tfile, ['--no-metrics', '--socket', join(dir, 't.sock')]);
    const ask = async (port: number): Promise<string[]> => {
      const c = await RespClient.connect(port);
      const out: string[] = [];
      for (const v of values) {
        out.push(formatReply(await c.call('CONFIG', 'SET', 'auto-aof-rewrite-min-size', v)));
        out.push(formatReply(await c.call('CONFIG', 'GET', 'auto-aof-rewrite-min-size')));
      }
      out.push(formatReply(await c.call('CONFIG', 'SET', 'auto-aof-rewrite-min-size', '9007199254740993')));
      out.push(formatReply(await c.call('CONFIG', 'REWRITE')));
      c.close();
      return out;
    };
    try {
      const [r, t] = [await ask(rport), await ask(tm.port)];
      expect(t).toEqual(r);
      expect(t[1]).toContain('9007199254740993');
      const line = (f: string): string | undefined =>
        readFileSync(f, 'latin1')
          .split('\n')
          .find((l) => l.startsWith('auto-aof-rewrite-min-size'));
      expect(line(tfile)).toBe(line(rfile));
      expect(line(tfile)).toBe('auto-aof-rewrite-min-size 9007199254740993');
    } finally {
      await tm.close();
      await redis.close();
    }
    // Read back from the rewritten file, exactly.
    const tm2 = await tiermemFromFile(tfile, ['--no-metrics', '--socket', join(dir, 't2.sock')]);
    try {
      const c = await RespClient.connect(tm2.port);
      expect(formatReply(await c.call('CONFIG', 'GET', 'auto-aof-rewrite-min-size'))).toContain('9007199254740993');
      c.close();
    } finally {
      await tm2.close();
    }
  });
});
