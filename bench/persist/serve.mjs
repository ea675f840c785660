// The store engine for the persistence benchmark: `node bench/persist/serve.mjs PORT DIR`.
// Values stay in DRAM (threshold above any value), as redis-server's do; dump.rdb in DIR is
// loaded at start. Prints "ready <port>" once listening, and the engine's log lines.
import { existsSync } from 'node:fs';
import { createAllocator } from '../../dist/allocator.js';
import { startStoreServer } from '../../dist/store/index.js';

const port = Number(process.argv[2] ?? 0);
const dir = process.argv[3] ?? '.';
const pmem = process.env.TIERMEM_BENCH_PMEM ?? (existsSync('/dev/shm') ? 'file:/dev/shm' : 'auto');
const alloc = createAllocator({ threshold: 2 ** 40, pmem });
const server = await startStoreServer({
  allocator: alloc,
  port,
  persistence: { dir, save: '' },
  log: (l) => console.log(l),
});
console.log(`ready ${server.address.port}`);
const stop = async () => {
  await server.close();
  alloc.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
