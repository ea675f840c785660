import { describe, expect, it } from 'vitest';
import { open } from './helpers.js';

// Its own file (so its own process): memkind reads MEMKIND_DAX_KMEM_NODES once per process, when
// a DAX_KMEM kind is first touched, and 'auto' touches it to look for a KMEM-DAX node.
describe("pmem 'node:N'", () => {
  it("binds the tier to a named NUMA node with 'node:N' (an ordinary node counts as emulation)", () => {
    const a = open({ pmem: 'node:0', threshold: 0 });
    const info = a.info();
    expect(info.pmem.kind).toBe('MEMKIND_DAX_KMEM');
    expect(info.pmem.nodes).toEqual([0]);
    expect(info.pmem.emulated).toBe(true);
    const h = a.zmalloc(1 << 20);
    a.write(h, Buffer.alloc(1 << 20, 1)); // touch every page
    const where = a.pageNodes(h);
    expect(where.nodes[0]).toBeGreaterThanOrEqual(256);
    expect(a.detectTier(h)).toBe('pmem');
    a.close();
  });

  it('refuses another node set, and explains why', () => {
    expect(() => open({ pmem: 'node:1' })).toThrow(/no NUMA node 1|already bound to node\(s\) 0/);
  });
});
