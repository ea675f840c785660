// tiermem on a real KMEM-DAX NUMA node: boots a QEMU guest (test/kmem/run.sh) where an
// emulated NVDIMM is turned into a CPU-less node 1 with daxctl, runs the allocator there and
// checks placement, controller, limits and /metrics (test/kmem/guest/kmem-guest.mjs), then a
// second guest with a plain CPU-less node for MEMKIND_DAX_KMEM_NODES and pmem 'node:1'.
//
// Runs whenever QEMU and the build are there; otherwise prints why and skips.
// TIERMEM_KMEM=force (npm run test:kmem) turns a missing prerequisite into a failure;
// TIERMEM_KMEM=0 skips it (e.g. while iterating on other suites: each run costs two boots).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const MODE = process.env.TIERMEM_KMEM ?? 'auto';
const RUN_TIMEOUT_MS = 600_000;

/** Checks each guest must report, by guest mode (see kmem-guest.mjs). */
const EXPECTED: Record<string, readonly string[]> = {
  nvdimm: [
    'detect[auto]',
    'placement[auto]',
    'variant[dax-kmem]',
    'variant[dax-kmem-all]',
    'variant[dax-kmem-preferred]',
    'limit-strict',
    'limit-strict-dram-unaffected',
    'limit-spill',
    'limit-spill-dram-to-pmem',
    'limit-readback',
    'controller-share',
    'controller-pages-vs-accounting',
    'controller-readback',
    'store-keys-metadata-dram',
    'store-values-by-tier',
    'store-share',
    'store-pages-vs-accounting',
    'store-readback',
    'store-migrate-demote',
    'store-migrate-promote',
    'store-migrate-readback',
    'metrics',
  ],
  'cpuless-env': [
    'detect[auto]',
    'placement[auto+MEMKIND_DAX_KMEM_NODES=1]',
    'limit-strict',
    'limit-strict-dram-unaffected',
    'limit-spill',
    'limit-spill-dram-to-pmem',
    'limit-readback',
  ],
  'cpuless-node': ['detect[node:1]', 'placement[node:1]'],
};

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Why the VM test cannot run here, or null when it can. */
function whyNot(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return `needs Linux x86-64 (have ${process.platform}/${process.arch})`;
  const missing = ['qemu-system-x86_64', 'dpkg-deb', 'cpio', 'readelf', 'depmod', 'xz'].filter((c) => !has(c));
  if (missing.length)
    return `host tools missing: ${missing.join(', ')} (apt-get install qemu-system-x86 cpio binutils kmod xz-utils)`;
  if (!existsSync(join(HERE, 'cache', 'debs', '.complete')) && !has('apt-get'))
    return 'no cached guest .debs and no apt-get to download them';
  if (!existsSync(join(ROOT, 'build', 'Release', 'tiermem.node')))
    return 'build/Release/tiermem.node missing (npm run build:native)';
  if (!existsSync(join(ROOT, 'dist', 'allocator.js'))) return 'dist/allocator.js missing (npx tsc -p tsconfig.json)';
  return null;
}

interface Check {
  mode: string;
  ok: boolean;
  name: string;
  detail: string;
}
interface Run {
  code: number | null;
  output: string;
  checks: Check[];
  seconds: number;
}

function runVm(): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(HERE, 'run.sh')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const checks: Check[] = [];
      for (const m of output.matchAll(/^KMEMCHECK (\S+) (PASS|FAIL) (\S+) ?(.*)$/gm)) {
        checks.push({ mode: m[1]!, ok: m[2] === 'PASS', name: m[3]!, detail: m[4] ?? '' });
      }
      resolve({ code, output, checks, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

const reason = MODE === '0' || MODE === 'skip' ? 'TIERMEM_KMEM=0' : whyNot();
if (reason && MODE !== 'force') {
  console.log(`[kmem] KMEM-DAX VM test skipped: ${reason}`);
}

describe.skipIf(reason !== null && MODE !== 'force')('KMEM-DAX node in a QEMU guest', () => {
  let run: Run;

  beforeAll(async () => {
    if (reason) throw new Error(`TIERMEM_KMEM=force but the VM test cannot run: ${reason}`);
    run = await runVm();
    const summary = run.output.slice(run.output.lastIndexOf('==== kmem summary'));
    console.log(`[kmem] run.sh exit ${run.code} after ${run.seconds.toFixed(1)} s\n${summary}`);
    for (const c of run.checks) console.log(`[kmem] ${c.ok ? 'PASS' : 'FAIL'} ${c.mode} ${c.name} ${c.detail}`);
  }, RUN_TIMEOUT_MS + 10_000);

  it('boots both guests and every guest finishes with status 0', () => {
    const tail = run.output.split('\n').slice(-60).join('\n');
    expect(run.code, `run.sh failed; output tail:\n${tail}`).toBe(0);
  });

  for (const [mode, names] of Object.entries(EXPECTED)) {
    for (const name of names) {
      it(`${mode}: ${name}`, () => {
        const c = run.checks.find((x) => x.mode === mode && x.name === name);
        expect(c, `no KMEMCHECK line for ${mode} ${name}`).toBeDefined();
        expect(c!.ok, `${mode} ${name}: ${c!.detail}`).toBe(true);
      });
    }
  }

  it('reports no other failed check', () => {
    const failed = run.checks.filter((c) => !c.ok).map((c) => `${c.mode} ${c.name}: ${c.detail}`);
    expect(failed).toEqual([]);
  });
});
