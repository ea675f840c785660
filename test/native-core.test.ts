// Builds and runs the C core's own test under AddressSanitizer + UBSan (test/native/).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('C core under AddressSanitizer', () => {
  it('passes every check with no sanitizer report', () => {
    const out = execFileSync('make', ['-s', '-C', join(here, 'native'), 'run'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' },
    });
    const m = /core_test: (\d+) checks, (\d+) failed/.exec(out);
    expect(m, out).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(50);
    expect(Number(m![2])).toBe(0);
  }, 180_000);
});
