// The store for the soak (bench/soak/run.mjs forks it): `node bench/soak/serve.mjs PORT DIR`.
// Wired as `tiermem serve` wires it: ratio controller at 1:4 with the migrator as its second
// actuator, spill policy, emulated PMem on tmpfs, RDB persistence in DIR (dump.rdb loaded at
// start). Over IPC it answers {op: 'account'} with the engine's accounting, the allocator's own
// per-shard counts and, with census: true, the page census (a walk of every block the engine holds).
import { existsSync } from 'node:fs';
import { createAllocator } from '../../dist/allocator.js';
import { attachController } from '../../dist/controller/index.js';
import { startStoreServer } from '../../dist/store/index.js';
import { CATEGORIES, TIERS } from '../../dist/types.js';

const port = Number(process.argv[2] ?? 0);
const dir = process.argv[3] ?? '.';
const pmem = process.env.TIERMEM_BENCH_PMEM ?? (existsSync('/dev/shm') ? 'file:/dev/shm' : 'auto');
const alloc = createAllocator({ threshold: 4096, pmem, policy: 'spill', log: (l) => console.error(l) });
let server = null;
const controller = attachController(
  alloc,
  { targetShare: 0.2 },
  { migrate: (bytes, to) => server?.migrate(bytes, to) ?? 0 },
);
server = await startStoreServer({
  allocator: alloc,
  port,
  controller,
  persistence: { dir, save: '' },
  log: (l) => console.error(l),
});

/** Per tier x category: the engine's bytes/blocks, the core's, and (census) the walk's blocks. */
function account(census) {
  const comp = server.composition();
  const stats = alloc.stats();
  const walk = census ? server.pageCensus() : null;
  const fields = walk ? walk.cells.length / (TIERS.length * CATEGORIES.length) : 0;
  const cells = [];
  TIERS.forEach((tier, t) =>
    CATEGORIES.forEach((cat, c) => {
      const core = stats.tiers[tier].byCategory[cat];
      const engine = comp.byCategory[tier][cat];
      cells.push({
        tier,
        cat,
        engineBytes: engine.bytes,
        engineBlocks: engine.allocations,
        coreBytes: core.liveBytes,
        coreBlocks: core.liveCount,
        walkBlocks: walk ? walk.cells[(t * CATEGORIES.length + c) * fields] : null,
      });
    }),
  );
  let values = { dram: 0, pmem: 0 };
  for (const tier of TIERS) values[tier] = comp.valueBytes[tier];
  return { cells, values, keys: comp.keys, censusPages: walk ? walk.pages : null };
}

process.on('message', (m) => {
  if (m?.op === 'account') process.send({ op: 'account', id: m.id, result: account(m.census === true) });
});
process.send?.({ op: 'ready', port: server.address.port });

async function shutdown() {
  controller.stop();
  await server.close();
  alloc.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
