import { afterEach, describe, expect, it } from 'vitest';
import { open, liveFigures, type TestAllocator } from './helpers.js';

let a: TestAllocator;
afterEach(() => a?.close());

const code = (c: string): Error => expect.objectContaining({ code: c }) as Error;

describe('misuse gives a clear error and leaves state intact', () => {
  it('rejects double free, stale and forged handles', () => {
    a = open();
    const keep = a.zmalloc(64);
    a.write(keep, 'keep me');
    const h = a.zmalloc(64);
    a.zfree(h);
    // The slot is reused by the next allocation with a new generation: the old handle stays dead.
    const reuse = a.zmalloc(64);
    expect(reuse).not.toBe(h);
    expect(reuse & (2 ** 28 - 1)).toBe(h & (2 ** 28 - 1));
    expect(() => a.zfree(h)).toThrow(code('ERR_TIERMEM_INVALID_HANDLE'));
    a.zfree(reuse);
    const state = liveFigures(a);
    expect(() => a.zfree(h)).toThrow(code('ERR_TIERMEM_INVALID_HANDLE'));
    expect(() => a.read(h)).toThrow(code('ERR_TIERMEM_INVALID_HANDLE'));
    expect(() => a.zrealloc(h, 10)).toThrow(code('ERR_TIERMEM_INVALID_HANDLE'));
    for (const forged of [
      0,
      1,
      12345,
      keep + 1,
      keep + 2 ** 28,
      2 ** 51,
      2 ** 52,
      2 ** 60,
      -1,
      -keep,
      1.5,
      keep + 0.5,
      NaN,
      Infinity,
    ]) {
      expect(() => a.zfree(forged), String(forged)).toThrow(
        /ERR_TIERMEM_INVALID_(HANDLE|ARG)|not (live|a tiermem handle)/,
      );
    }
    for (const wrong of ['1', null, undefined, {}, [], true, 10n] as unknown[]) {
      expect(() => a.zfree(wrong as number)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
      expect(() => a.tierOf(wrong as number)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    }
    expect(liveFigures(a)).toBe(state);
    expect(a.read(keep, 0, 7).toString()).toBe('keep me');
  });

  it('rejects bad sizes: negative, NaN, fractional, infinite, huge, wrong types', () => {
    a = open();
    const state = liveFigures(a);
    for (const size of [-1, -0.5, NaN, 1.5, Infinity, -Infinity, 2 ** 47, Number.MAX_SAFE_INTEGER, 1e300]) {
      expect(() => a.zmalloc(size), String(size)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
      expect(() => a.zmallocDram(size)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
      expect(() => a.zmallocPmem(size)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
      expect(() => a.zcalloc(size, 1)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    }
    for (const size of ['10', null, undefined, {}, 10n] as unknown[]) {
      expect(() => a.zmalloc(size as number)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    }
    expect(() => a.zcalloc(2 ** 40, 2 ** 40)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => a.zmalloc(10, 'nope' as never)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => a.zmalloc(10, 'toString' as never)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    const h = a.zmalloc(10);
    const mid = liveFigures(a);
    expect(() => a.zrealloc(h, -5)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => a.zrealloc(h, NaN)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => (a.threshold = -1)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => (a.threshold = NaN)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => a.setLimit('pmem', -1)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => a.setLimit('disk' as never, 1)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => (a.policy = 'maybe' as never)).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(liveFigures(a)).toBe(mid);
    expect(a.read(h).length).toBe(16);
    expect(state).toContain('[[0,0,0,0,0,0');
  });

  it('rejects a batch with one bad handle without freeing any of it', () => {
    a = open();
    const hs = a.zmallocBatch([10, 20, 30]);
    const state = liveFigures(a);
    expect(() => a.zfreeBatch([hs[0]!, hs[1]!, 999])).toThrow(code('ERR_TIERMEM_INVALID_HANDLE'));
    expect(() => a.zfreeBatch([hs[0]!, hs[0]!])).toThrow(/appears twice/);
    expect(() => a.zmallocBatch([10, -1])).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(liveFigures(a)).toBe(state);
    a.zfreeBatch(hs);
    expect(a.liveCount).toBe(0);
  });

  it('rejects bad options with a clear message', () => {
    expect(() => open({ threshold: -3 })).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => open({ policy: 'drop' as never })).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => open({ dram: 'hbm' as never })).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => open({ limits: { pmem: NaN } })).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => open({ pmem: 'floppy' })).toThrow(/unknown pmem option 'floppy'/);
    expect(() => open({ pmem: 'node:x' })).toThrow(code('ERR_TIERMEM_BACKEND'));
    expect(() => open({ pmem: 'node:63' })).toThrow(/no NUMA node 63. This machine has node 0/);
    expect(() => open({ pmem: 'file:/no/such/dir' })).toThrow(/does not exist/);
    expect(() => open({ pmem: 'file:/tmp:1MiB' })).toThrow(/minimum of 16 MiB/);
    a = open();
  });

  it('throws ERR_TIERMEM_CLOSED after close, and close frees everything', () => {
    a = open();
    a.zmalloc(100);
    a.zmalloc(100_000);
    const dir = a.info().pmem.dir;
    a.close();
    expect(a.closed).toBe(true);
    expect(() => a.zmalloc(1)).toThrow(code('ERR_TIERMEM_CLOSED'));
    expect(() => a.stats()).toThrow(code('ERR_TIERMEM_CLOSED'));
    a.close(); // idempotent
    expect(dir).toBeDefined();
  });
});
