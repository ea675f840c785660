// Regressions for the facade defects found by fuzzing (issue 15): each case failed before its fix.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { open, liveFigures, type TestAllocator } from './helpers.js';

let a: TestAllocator;
afterEach(() => a?.close());

const code = (c: string): Error => expect.objectContaining({ code: c }) as Error;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('string writes', () => {
  it('write exactly their bytes, not a terminating NUL', () => {
    a = open();
    const h = a.zmalloc(16);
    a.write(h, 'ABCDEFGHIJKLMNOP');
    expect(a.write(h, 'xyz', 0)).toBe(3);
    expect(a.read(h, 0, 16).toString('latin1')).toBe('xyzDEFGHIJKLMNOP');
    expect(a.write(h, 'é', 5)).toBe(2); // UTF-8, two bytes, the next one untouched
    expect(a.read(h, 0, 16).toString('latin1')).toBe('xyzDE\xc3\xa9HIJKLMNOP');
    expect(a.write(h, 'end', 13)).toBe(3); // up to the last byte (scratch-copy path)
    expect(a.read(h, 10, 6).toString('latin1')).toBe('KLMend');
    expect(() => a.write(h, 'four', 13)).toThrow(code('ERR_TIERMEM_OUT_OF_BOUNDS'));
    expect(a.read(h, 10, 6).toString('latin1')).toBe('KLMend');
  });
});

describe('move', () => {
  it('under spill with the target tier at its limit throws ERR_TIERMEM_NO_MEMORY and leaves the block', () => {
    a = open({ threshold: 0, policy: 'spill' }); // everything routes to PMem
    a.setLimit('dram', 4096);
    const filler = a.zmallocDram(4096);
    const h = a.zmalloc(100);
    a.write(h, 'payload');
    expect(a.tierOf(h)).toBe('pmem');
    const fallbacks = a.stats().tiers.dram.fallbacks;
    expect(() => a.move(h, 'dram')).toThrow(code('ERR_TIERMEM_NO_MEMORY'));
    expect(a.tierOf(h)).toBe('pmem');
    expect(a.detectTier(h)).toBe('pmem');
    expect(a.read(h, 0, 7).toString()).toBe('payload');
    expect(a.stats().tiers.dram.fallbacks).toBe(fallbacks);
    a.zfree(filler);
    a.move(h, 'dram');
    expect(a.tierOf(h)).toBe('dram');
    expect(a.detectTier(h)).toBe('dram');
    expect(a.read(h, 0, 7).toString()).toBe('payload');
  });
});

describe('handle generations', () => {
  it('a freed handle never validates again, even after 2^23 reuses of its slot', () => {
    a = open();
    const keep = a.zmalloc(8);
    const stale = a.zmalloc(8);
    a.zfree(stale);
    const slot = (x: number): number => x % 2 ** 28;
    let reused = 0;
    const cycles = 2 ** 23 + 16;
    for (let i = 0; i < cycles; i++) {
      const h = a.zmalloc(8);
      if (h === stale) throw new Error(`handle ${stale} came back after ${i} cycles`);
      if (slot(h) === slot(stale)) reused++;
      a.zfree(h);
    }
    expect(reused).toBe(2 ** 23 - 1); // every generation the slot has left, then it is retired
    expect(() => a.zfree(stale)).toThrow(code('ERR_TIERMEM_INVALID_HANDLE'));
    expect(() => a.read(stale)).toThrow(code('ERR_TIERMEM_INVALID_HANDLE'));
    expect(a.liveCount).toBe(1);
    a.zfree(keep);
  }, 60_000);
});

describe('batch calls validate like the single calls', () => {
  const bad: [string, unknown][] = [
    ['a string', '123'],
    ['string elements', ['8', '16']],
    ['a boolean element', [true, 8]],
    ['a Set', new Set([8])],
    ['a number', 5],
    ['null', null],
    ['undefined', undefined],
    ['an array-like object', { length: 1, 0: 8 }],
    ['a hole', [8, , 16]], // eslint-disable-line no-sparse-arrays
    ['a BigInt64Array', new BigInt64Array([8n])],
    ['a DataView', new DataView(new ArrayBuffer(8))],
  ];
  it.each(bad)('zmallocBatch rejects %s with ERR_TIERMEM_INVALID_ARG and allocates nothing', (_what, value) => {
    a = open();
    const before = liveFigures(a);
    expect(() => a.zmallocBatch(value as number[])).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(liveFigures(a)).toBe(before);
  });
  it.each(bad)('zfreeBatch rejects %s with ERR_TIERMEM_INVALID_ARG and frees nothing', (_what, value) => {
    a = open();
    const h = a.zmalloc(8);
    const before = liveFigures(a);
    expect(() => a.zfreeBatch(value as number[])).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(liveFigures(a)).toBe(before);
    a.zfree(h);
  });
  it('range errors are coded too, and numeric arrays of every kind work', () => {
    a = open();
    expect(() => a.zmallocBatch([8, 1.5])).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => a.zmallocBatch([NaN])).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => a.zmallocBatch([2 ** 47])).toThrow(code('ERR_TIERMEM_INVALID_ARG'));
    expect(() => a.zfreeBatch([1.5])).toThrow(code('ERR_TIERMEM_INVALID_HANDLE'));
    expect(a.liveCount).toBe(0);
    const hs = a.zmallocBatch(new Uint32Array([8, 16]));
    expect(a.zmallocSize(hs[1]!)).toBe(16);
    a.zfreeBatch(Array.from(hs));
    a.zfreeBatch(a.zmallocBatch([]));
    expect(a.liveCount).toBe(0);
  });
});

describe('every error has a code', () => {
  it('the missing addon (an install with --ignore-scripts) says ERR_TIERMEM_ADDON and `npm rebuild tiermem`', () => {
    // A package as npm lays it out without running the install script: dist/ but no build/.
    const pkg = mkdtempSync(join(tmpdir(), 'tiermem-noaddon-'));
    try {
      cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true });
      cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
      const script =
        `import('${join(pkg, 'dist', 'index.js')}').then((m) => {` +
        `try { m.createAllocator(); console.log('no error'); }` +
        `catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, tiermem: m.isTiermemError(e) })); } });`;
      const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as {
        code: string;
        message: string;
        tiermem: boolean;
      };
      expect(out.code).toBe('ERR_TIERMEM_ADDON');
      expect(out.tiermem).toBe(true);
      expect(out.message).toContain('npm rebuild tiermem');
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
  it('null and wrong-typed arguments to every method throw coded errors', () => {
    a = open();
    const h = a.zmalloc(8);
    const calls: (() => unknown)[] = [
      () => a.zmalloc(null as unknown as number),
      () => a.zmallocFrom(null as unknown as Uint8Array),
      () => a.zcalloc(1, null as unknown as number),
      () => a.zmallocDram('8' as unknown as number),
      () => a.zmallocPmem(8, 'nope' as never),
      () => a.zrealloc(null as unknown as number, 8),
      () => a.zfree(null as unknown as number),
      () => a.move(h, null as unknown as 'dram'),
      () => a.write(h, null as unknown as string),
      () => a.read(h, 'x' as unknown as number),
      () => a.readInto(h, null as unknown as Uint8Array),
      () => a.copy(h, 0, h, 0, null as unknown as number),
      () => a.setLimit('dram', -1),
      () => a.setVolumeHook(0, () => {}),
      () => {
        a.policy = 'nope' as never;
      },
      () => {
        a.threshold = -1;
      },
    ];
    for (const call of calls) {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err, call.toString()).toEqual(code('ERR_TIERMEM_INVALID_ARG'));
    }
    a.zfree(h);
  });
});
