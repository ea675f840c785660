// The store for the tiering benchmark: `node bench/tiering/serve.mjs MODE PORT [TARGET]`.
// The ratio controller steers to a DRAM share of TARGET (default 0.2, i.e. 1:4 DRAM:PMem) on
// emulated PMem. MODE migrate: the controller has the migrator as its second actuator (as the
// service wires it). MODE static: the threshold is the only actuator (the run.mjs driver also sets
// tier-migrate-rate 0, so nothing moves after allocation). Prints "ready <port>" once listening.
import { existsSync } from 'node:fs';
import { createAllocator } from '../../dist/allocator.js';
import { attachController } from '../../dist/controller/index.js';
import { startStoreServer } from '../../dist/store/index.js';

const mode = process.argv[2];
const port = Number(process.argv[3] ?? 0);
const targetShare = Number(process.argv[4] ?? 0.2);
if (mode !== 'migrate' && mode !== 'static') {
  console.error('usage: serve.mjs migrate|static PORT [TARGET]');
  process.exit(2);
}
// tmpfs, as bench/store/serve.mjs: a disk-backed file would measure page-cache writeback.
const pmem = process.env.TIERMEM_BENCH_PMEM ?? (existsSync('/dev/shm') ? 'file:/dev/shm' : 'auto');
const alloc = createAllocator({ threshold: 4096, pmem, log: (l) => console.error(l) });
let server = null;
const controller = attachController(
  alloc,
  { targetShare },
  mode === 'migrate' ? { migrate: (bytes, to) => server?.migrate(bytes, to) ?? 0 } : {},
);
server = await startStoreServer({ allocator: alloc, port, controller });
console.log(`ready ${server.address.port}`);

async function shutdown() {
  controller.stop();
  await server.close();
  alloc.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
