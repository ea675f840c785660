// Runs the compiled store engine (dist/) for the benchmark: `node bench/store/serve.mjs MODE PORT`.
// MODE dram: everything in DRAM (threshold above any value). MODE tiered: the ratio controller
// steers to a 1:4 DRAM:PMem split with the store's migrator as its second actuator, wired as
// `tiermem serve` wires it (src/service/service.ts), so this measures the product as shipped.
// Prints "ready <port>" once listening.
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
let server = null;
const controller =
  mode === 'tiered'
    ? attachController(alloc, { targetShare: 0.2 }, { migrate: (bytes, to) => server?.migrate(bytes, to) ?? 0 })
    : null;
server = await startStoreServer({ allocator: alloc, port, controller });
console.log(`ready ${server.address.port}`);

async function shutdown() {
  const c = server.composition();
  console.error(
    `${mode}: keys=${c.keys} dram=${c.valueBytes.dram} pmem=${c.valueBytes.pmem} threshold=${alloc.threshold}` +
      (controller ? ` status=${controller.last?.status ?? '-'} share=${controller.last?.share.toFixed(4) ?? '-'}` : ''),
  );
  controller?.stop();
  await server.close();
  alloc.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
