// zmalloc + write + zfree through the facade vs Buffer.allocUnsafe + copy, in the same run.
// Usage: node bench/js/zmalloc-bench.mjs [iterations]   (after `npm run build`)
import { createAllocator } from '../../dist/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 7;

function best(fn) {
  let b = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    const ns = Number(process.hrtime.bigint() - t0) / N;
    if (ns < b) b = ns;
  }
  return b;
}

const a = createAllocator({ threshold: 4096 });
let sink = 0;
console.log(`# ns per operation, best of ${ROUNDS} rounds of ${N} (node ${process.version}, ${a.info().pmem.kind})`);
console.log('size   Buffer.allocUnsafe+copy   zmalloc+write+zfree   ratio   (tier)');
for (const size of [64, 4096]) {
  const payload = Buffer.alloc(size, 7);
  const base = best(() => {
    for (let i = 0; i < N; i++) {
      const b = Buffer.allocUnsafe(size);
      payload.copy(b);
      sink += b[0];
    }
  });
  const tm = best(() => {
    for (let i = 0; i < N; i++) {
      const h = a.zmalloc(size);
      a.write(h, payload);
      a.zfree(h);
      sink += h & 1;
    }
  });
  const from = best(() => {
    for (let i = 0; i < N; i++) {
      const h = a.zmallocFrom(payload);
      a.zfree(h);
      sink += h & 1;
    }
  });
  const h = a.zmalloc(size);
  const tier = a.tierOf(h);
  a.zfree(h);
  console.log(
    `${String(size).padEnd(6)} ${base.toFixed(1).padStart(12)} ${tm.toFixed(1).padStart(24)} ${(tm / base).toFixed(2).padStart(9)}x   (${tier})`,
  );
  console.log(
    `${String(size).padEnd(6)} ${''.padStart(12)} ${(from.toFixed(1) + ' zmallocFrom+zfree').padStart(24)} ${(from / base).toFixed(2).padStart(9)}x`,
  );
}
// Batch form: 1024 allocations per native call.
{
  const B = 1024;
  const sizes = new Float64Array(B).fill(64);
  const payload = Buffer.alloc(64, 7);
  const base = best(() => {
    for (let i = 0; i < N / B; i++) {
      for (let j = 0; j < B; j++) {
        const b = Buffer.allocUnsafe(64);
        payload.copy(b);
        sink += b[0];
      }
    }
  });
  const tm = best(() => {
    for (let i = 0; i < N / B; i++) {
      const hs = a.zmallocBatch(sizes);
      for (let j = 0; j < B; j++) a.write(hs[j], payload);
      a.zfreeBatch(hs);
    }
  });
  console.log(
    `64 (batches of ${B}) ${base.toFixed(1).padStart(6)} ${tm.toFixed(1).padStart(24)} ${(tm / base).toFixed(2).padStart(9)}x`,
  );
}
a.close();
if (sink === 42) console.log('');
