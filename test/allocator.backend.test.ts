import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { native } from '../src/native.js';
import { open, tempDir } from './helpers.js';

describe('PMem backends', () => {
  // What 'auto' and 'dax-kmem-all' must do depends on the machine; each branch asserts its case.
  const kmem = native().daxKmemAvailable();

  it(`'auto' picks ${kmem ? 'the KMEM-DAX node (this machine has one)' : 'an emulated file-backed tier (this machine has no KMEM-DAX node) and says so'}`, () => {
    const lines: string[] = [];
    const a = open({ log: (l) => lines.push(l) });
    const info = a.info();
    expect(info.dram.kind).toBe('MEMKIND_REGULAR');
    expect(info.memkindVersion).toMatch(/^1\.\d+\.\d+$/);
    expect(info.numa.length).toBeGreaterThan(0);
    if (kmem) {
      expect(info.pmem.emulated).toBe(false);
      expect(info.pmem.source).toBe('auto -> dax-kmem');
      expect(info.pmem.kind).toBe('MEMKIND_DAX_KMEM');
      expect(lines.join('\n')).toMatch(/real KMEM-DAX NUMA node/);
      a.close();
      return;
    }
    expect(info.pmem.emulated).toBe(true);
    expect(info.pmem.source).toBe('auto -> file');
    expect(info.pmem.kind).toMatch(/file-backed/);
    expect(info.pmem.description).toMatch(/EMULATED/);
    expect(lines.join('\n')).toMatch(/PMem tier: EMULATED/);
    const dir = info.pmem.dir!;
    expect(existsSync(dir)).toBe(true);
    a.close();
    expect(existsSync(dir)).toBe(false); // the private emulation directory is removed at close
  });

  it('lets several auto allocators live at once (they share one emulated kind), with separate accounting', () => {
    const a = open({ threshold: 0 });
    const b = open({ threshold: 0 });
    expect(a.info().pmem.dir).toBe(b.info().pmem.dir);
    const ha = a.zmalloc(20_000);
    const hb = b.zmalloc(40_000);
    expect(a.stats().tiers.pmem.liveBytes).toBe(a.zmallocSize(ha));
    expect(b.stats().tiers.pmem.liveBytes).toBe(b.zmallocSize(hb));
    // 16 KiB churn on both: the pattern that crashes memkind 1.14 with two file-backed kinds.
    for (let i = 0; i < 20_000; i++) {
      a.zfree(a.zmalloc(16384));
      b.zfree(b.zmalloc(16384));
    }
    const dir = a.info().pmem.dir!;
    a.close();
    expect(existsSync(dir)).toBe(true); // still used by b
    expect(b.read(hb).length).toBe(b.zmallocSize(hb));
    b.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a second, different file-backed tier while one is open, with the reason', () => {
    const t1 = tempDir(),
      t2 = tempDir();
    try {
      const a = open({ pmem: `file:${t1.dir}` });
      expect(() => open({ pmem: `file:${t2.dir}` })).toThrow(
        /already open in this process.*close that allocator first/,
      );
      const same = open({ pmem: `file:${t1.dir}` }); // the same directory and size is shared
      same.close();
      a.close();
      open({ pmem: `file:${t2.dir}` }).close(); // and after close a different one is fine
    } finally {
      t1.cleanup();
      t2.cleanup();
    }
  });

  it(
    kmem
      ? "opens 'dax-kmem-all' on this machine's KMEM-DAX node"
      : 'explains a missing KMEM-DAX node: what was found and how to fix it',
    () => {
      if (kmem) {
        const a = open({ pmem: 'dax-kmem-all' });
        expect(a.info().pmem).toMatchObject({ kind: 'MEMKIND_DAX_KMEM_ALL', emulated: false });
        a.close();
        return;
      }
      let message = '';
      try {
        open({ pmem: 'dax-kmem-all' }).close();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/memkind found no KMEM-DAX NUMA node/);
      expect(message).toMatch(/This machine has node 0 \(\d+ CPUs/);
      expect(message).toMatch(/daxctl reconfigure-device --mode=system-ram/);
      expect(message).toMatch(/file:\/mnt\/pmem/);
    },
  );
});
