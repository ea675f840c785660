// Builds and runs the store engine's C tests under AddressSanitizer + UBSan (test/native/store/):
// one binary per module (memory door, dict, listpack, intset, skiplist, parser, replies, numbers,
// glob, and the commands of every type, driven through the real batch loop).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'native', 'store');
const tests = readdirSync(dir)
  .filter((f) => f.endsWith('_test.c'))
  .map((f) => f.slice(0, -2))
  .sort();

describe('store engine C tests under AddressSanitizer', () => {
  // Every binary at once, both cores: the engine's objects are compiled once and kept.
  beforeAll(() => {
    execFileSync('make', ['-s', '-j2', '-C', dir, 'all'], { stdio: ['ignore', 'pipe', 'pipe'] });
  }, 900_000);
  it('has the tests of every module', () => {
    for (const t of ['mem_test', 'dict_test', 'listpack_test', 'resp_test', 'store_test']) expect(tests).toContain(t);
  });
  for (const t of tests) {
    it(`${t}: every check passes with no sanitizer report`, () => {
      const out = execFileSync('make', ['-s', '-C', dir, `run-${t.replace(/_test$/, '')}`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' },
      });
      const m = new RegExp(`${t}: (\\d+) checks, (\\d+) failed`).exec(out);
      expect(m, out).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(0);
      expect(Number(m![2])).toBe(0);
    }, 300_000);
  }
});
