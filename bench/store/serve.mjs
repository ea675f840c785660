// Runs the compiled store engine (dist/) for the benchmark: `node bench/store/serve.mjs MODE PORT`.
// MODE dram: everything in DRAM (threshold above any value). MODE tiered: the ratio controller
// steers the threshold to a 1:4 DRAM:PMem split. Prints "ready <port>" once listening.
import { existsSync } from 'node:fs';
import { createAllocator } from '../../dist/allocator.js';
import { attachController } from '../../dist/controller/index.js';
import { startStoreServer } from '../../dist/store/index.js';

const mode = process.argv[2] ?? 'dram';
const port = Number(process.argv[3] ?? 0);
// Emulated PMem on tmpfs when there is one: a file on a disk filesystem would add page-cache
// writeback to every PMem store, which measures the disk, not the engine. TIERMEM_BENCH_PMEM overrides.
const pmem = process.env.TIERMEM_BENCH_PMEM ?? (existsSync('/dev/shm') ? 'file:/dev/shm' : 'auto');
const alloc = createAllocator({ threshold: mode === 'dram' ? 2 ** 40 : 4096, pmem, log: (l) => console.error(l) });
const controller = mode === 'tiered' ? attachController(alloc, { targetShare: 0.2 }) : null;
const server = await startStoreServer({ allocator: alloc, port, controller });
console.log(`ready ${server.address.port}`);

async function shutdown() {
  const c = server.composition();
  console.error(
    `${mode}: keys=${c.keys} dram=${c.valueBytes.dram} pmem=${c.valueBytes.pmem} threshold=${alloc.threshold}`,
  );
  controller?.stop();
  await server.close();
  alloc.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
