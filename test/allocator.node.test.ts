import { describe, expect, it } from 'vitest';
import { numaNodes } from '../src/numa.js';
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

  it('refuses another node set once one is bound, and explains why', () => {
    // memkind reads MEMKIND_DAX_KMEM_NODES once per process. Another node where there is one; on a
    // one-node machine a different set naming the same node (a node that does not exist is refused
    // before this, see allocator.misuse.test.ts).
    const other = numaNodes().find((n) => n.node !== 0);
    const option = other ? `node:${other.node}` : 'node:0,0';
    expect(() => open({ pmem: option })).toThrow(/MEMKIND_DAX_KMEM is already bound to node\(s\) 0 in this process/);
  });
});
