// One size parser for everything (CLI, config file, admin API, CONFIG SET): Redis's units, where a
// bare letter is decimal and "b" or the IEC name makes it binary.
import { describe, expect, it } from 'vitest';
import { parseMemory, parseSize } from '../src/units.js';

describe('sizes as Redis reads them', () => {
  it('4k is 4000, 4kb and 4KiB are 4096, at every scale, case-insensitive', () => {
    const cases: [string, number][] = [
      ['4096', 4096],
      ['4k', 4000],
      ['4K', 4000],
      ['4kb', 4096],
      ['4KB', 4096],
      ['4KiB', 4096],
      ['3m', 3_000_000],
      ['3mb', 3 * 1024 ** 2],
      ['3MiB', 3 * 1024 ** 2],
      ['2g', 2e9],
      ['2gb', 2 * 1024 ** 3],
      ['2GiB', 2 * 1024 ** 3],
      ['1t', 1e12],
      ['1tb', 1024 ** 4],
      ['7b', 7],
    ];
    for (const [text, bytes] of cases) {
      expect(parseSize(text), text).toBe(bytes);
      expect(parseMemory(text), text).toBe(bytes);
    }
  });

  it('the CLI takes fractions, CONFIG SET does not (as Redis); junk is refused by both', () => {
    expect(parseSize('1.5KiB')).toBe(1536);
    expect(parseSize('1.5k')).toBe(1500);
    expect(parseMemory('1.5k')).toBeNull();
    for (const bad of ['', 'k', '4x', '-4k', '4 kb b', '4kib2']) {
      expect(() => parseSize(bad), bad).toThrow(/is not a size/);
      expect(parseMemory(bad), bad).toBeNull();
    }
    expect(() => parseSize('9999999999tb')).toThrow(/too large/);
    expect(parseMemory('9999999999tb')).toBeNull();
  });
});
