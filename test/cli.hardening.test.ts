// CLI defects found by trying tiermem as a new user would (issue 15), each against the real CLI
// (dist/cli/main.js) and a real service: closed pipes, the watch layout, record's progress, lease
// and --stop, recommend's candidates, reasons and empty traces, the threshold bound, limits below
// what a tier holds, and the change log (admin API and CONFIG SET).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../src/admin/index.js';
import { resolveConfig } from '../src/service/config.js';
import { loadServiceDeps } from '../src/service/deps.js';
import { startService } from '../src/service/service.js';
import type { Service } from '../src/service/service.js';
import { createTraceRecorder } from '../src/trace/recorder.js';
import type { Tier } from '../src/types.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const EXIT = { OK: 0, USAGE: 2, UNREACHABLE: 3, REJECTED: 4 };

let dir: string;
let socket: string;
let service: Service;
const log: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, TIERMEM_ADMIN_SOCKET: socket, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function status(): Promise<StatusReport> {
  const r = await cli(['status', '--json']);
  expect(r.code, r.stderr).toBe(EXIT.OK);
  return JSON.parse(r.stdout) as StatusReport;
}

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 15_000): Promise<number> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - t0;
}

/** The log lines that appeared while `f` ran. */
async function logged(f: () => Promise<unknown>): Promise<string[]> {
  const from = log.length;
  await f();
  return log.slice(from);
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx tsc -p tsconfig.json first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'tiermem-cli-hard-'));
  socket = join(dir, 'admin.sock');
  service = await startService(
    resolveConfig({ admin: { socket }, metrics: { port: 0 }, store: { port: 0 }, threshold: 1024 }),
    await loadServiceDeps(),
    (line) => log.push(line),
  );
  for (let i = 0; i < 200; i++) service.allocator.zmalloc(64 + i * 30, 'data');
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('closed pipes', () => {
  for (const args of [
    ['watch', '--interval', '100'],
    ['--json', 'watch', '--interval', '100'],
  ]) {
    it(`tiermem ${args.join(' ')} | head -1 ends quietly`, async () => {
      const r = await new Promise<{ stdout: string }>((resolve, reject) => {
        const script = `"${process.execPath}" "${MAIN}" ${args.join(' ')} 2>"${dir}/err" | head -1; echo "rc=\${PIPESTATUS[0]}"`;
        const p = spawn('bash', ['-c', script], {
          env: { ...process.env, TIERMEM_ADMIN_SOCKET: socket },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let stdout = '';
        p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        p.on('error', reject);
        p.on('close', () => resolve({ stdout }));
      });
      expect(r.stdout).toMatch(/rc=0\s*$/);
      expect(r.stdout.split('\n')[0]).toMatch(args[0] === '--json' ? /^\{"version"/ : /^tiermem watch/);
      expect(readFileSync(join(dir, 'err'), 'utf8')).toBe('');
    });
  }
});

describe('watch layout', () => {
  const frame = async (columns: number, rows: number): Promise<string[]> => {
    const r = await cli(['watch', '--count', '1'], { COLUMNS: String(columns), LINES: String(rows) });
    expect(r.code, r.stderr).toBe(EXIT.OK);
    return r.stdout.replace(/\n+$/, '').split('\n');
  };
  it('fits 80 columns without cutting the controller line, and fills the terminal height', async () => {
    for (const rows of [24, 40, 60]) {
      const lines = await frame(80, rows);
      for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80);
      const text = lines.join('\n');
      // Every field of the controller line survives (wrapped, not clipped).
      for (const field of [
        /controller \S+/,
        /ticks \d+/,
        /adjustments up \d+ down \d+/,
        /bounds \S+ B-\S+ TiB/,
        /period \d+ ms/,
      ]) {
        expect(text).toMatch(field);
      }
      expect(lines.length, text).toBe(rows - 1);
    }
    const tall = (await frame(80, 60)).filter((l) => l.includes('┤')).length;
    const short = (await frame(80, 24)).filter((l) => l.includes('┤')).length;
    expect(tall).toBeGreaterThan(short + 30);
  });
});

describe('set: bounds, limits, the change log', () => {
  it('set threshold above the 1 TiB bound is refused; within it, accepted and logged', async () => {
    const before = service.allocator.threshold;
    const r = await cli(['set', 'threshold', '2TiB']);
    expect(r.code).toBe(EXIT.REJECTED);
    expect(r.stderr).toMatch(/threshold 2\.00 TiB .* is outside the threshold bounds 0 B - 1\.00 TiB/);
    expect(service.allocator.threshold).toBe(before);
    const lines = await logged(async () => expect((await cli(['set', 'threshold', '1TiB'])).code).toBe(EXIT.OK));
    expect(service.allocator.threshold).toBe(2 ** 40);
    expect(lines.join('\n')).toMatch(
      /change: threshold .* -> 1\.00 TiB \(1099511627776 B\) \(by admin API \(tiermem-cli on the Unix socket\)\)/,
    );
    expect(lines.join('\n')).toMatch(/change: controller \S+ -> paused/);
    expect((await cli(['set', 'threshold', '1KiB'])).code).toBe(EXIT.OK);
    expect((await cli(['controller', 'resume'])).code).toBe(EXIT.OK);
  });

  it('set limit below the live bytes is refused without --force, and warns with it', async () => {
    const live = service.allocator.stats().tiers.dram.liveBytes;
    expect(live).toBeGreaterThan(1);
    const r = await cli(['set', 'limit', 'dram', '1']);
    expect(r.code).toBe(EXIT.REJECTED);
    expect(r.stderr).toMatch(/dram holds .* live, more than the 1 B limit asked.*--force/);
    expect(service.allocator.stats().tiers.dram.limit).toBe(0);
    const lines = await logged(async () => {
      const f = await cli(['set', 'limit', 'dram', '1', '--force']);
      expect(f.code, f.stderr).toBe(EXIT.OK);
      expect(f.stderr).toMatch(/warning: dram holds .* above its new 1 B limit/);
    });
    expect(service.allocator.stats().tiers.dram.limit).toBe(1);
    expect(lines).toContainEqual(expect.stringMatching(/^change: dram limit none -> 1 B \(by admin API/));
    expect((await cli(['set', 'limit', 'dram', '0'])).code).toBe(EXIT.OK);
    // Above the live bytes needs no force.
    expect((await cli(['set', 'limit', 'dram', '1GiB'])).code).toBe(EXIT.OK);
    expect((await cli(['set', 'limit', 'dram', '0'])).code).toBe(EXIT.OK);
  });

  it('ratio, policy and gains changes leave a line each: what, old -> new, who', async () => {
    const lines = await logged(async () => {
      expect((await cli(['set', 'ratio', '1:3'])).code).toBe(EXIT.OK);
      expect((await cli(['set', 'policy', 'strict'])).code).toBe(EXIT.OK);
      expect((await cli(['set', 'gains', '0.5', '0.2'])).code).toBe(EXIT.OK);
      expect((await cli(['set', 'policy', 'strict'])).code).toBe(EXIT.OK); // no change, no line
    });
    const who = '(by admin API (tiermem-cli on the Unix socket))';
    expect(lines).toEqual([
      `change: controller targetShare 1:4 (share 0.2) -> 1:3 (share 0.25) ${who}`,
      `change: exhaustion policy spill -> strict ${who}`,
      `change: controller kp 0.8 -> 0.5 ${who}`,
      `change: controller ki 0.1 -> 0.2 ${who}`,
    ]);
    await cli(['set', 'ratio', '1:4']);
    await cli(['set', 'policy', 'spill']);
    await cli(['set', 'gains', '0.8', '0.1']);
  });

  it('CONFIG SET changes are logged with the client address', async () => {
    const port = (service.store!.address as { port: number }).port;
    // Asynchronously: the store answering it runs in this process.
    const redis = (...args: string[]): Promise<string> =>
      new Promise((resolve, reject) => {
        const p = spawn('redis-cli', ['-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        p.stdout.on('data', (c: Buffer) => (out += c.toString()));
        p.on('error', reject);
        p.on('close', () => resolve(out.trim()));
      });
    const lines = await logged(async () => {
      expect(await redis('CONFIG', 'SET', 'tier-policy', 'strict')).toBe('OK');
      expect(await redis('CONFIG', 'SET', 'dram-limit', '1gb')).toBe('OK');
      expect(await redis('CONFIG', 'SET', 'dram-pmem-ratio', '1:3')).toBe('OK');
    });
    const from = /\(by CONFIG SET from 127\.0\.0\.1:\d+\)$/;
    expect(lines.find((l) => l.startsWith('change: tier-policy spill -> strict'))).toMatch(from);
    expect(lines.find((l) => l.startsWith('change: dram-limit 0 -> 1073741824'))).toMatch(from);
    expect(lines.find((l) => l.startsWith('change: dram-pmem-ratio 1:4 -> 1:3'))).toMatch(from);
    await redis('CONFIG', 'SET', 'tier-policy', 'spill', 'dram-limit', '0', 'dram-pmem-ratio', '1:4');
  });
});

describe('record', () => {
  it('shows progress on stderr while recording', async () => {
    const file = join(dir, 'progress.bin');
    const timer = setInterval(() => {
      for (let i = 0; i < 20; i++) service.allocator.zfree(service.allocator.zmalloc(100, 'data'));
    }, 20);
    const r = await cli(['record', '--seconds', '2.5', '-o', file]);
    clearInterval(timer);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(r.stderr).toMatch(/^recording 1\/2\.5 s: \d+ events$/m);
    expect(r.stderr).toMatch(/^recording 2\/2\.5 s: [1-9]\d* events$/m);
    expect(r.stdout).toMatch(/recorded \d+ events in 2\.\d s into/);
  });

  it('a recorder killed mid-run frees tracing within its 5 s lease, not seconds + 60 s', async () => {
    const p = spawn(process.execPath, [MAIN, 'record', '--seconds', '300', '-o', join(dir, 'killed.bin')], {
      env: { ...process.env, TIERMEM_ADMIN_SOCKET: socket },
      stdio: 'ignore',
    });
    await until('the recording to start', async () => (await status()).trace.recording);
    p.kill('SIGKILL');
    const lines = await logged(async () => {
      const waited = await until('tracing to be free', async () => !(await status()).trace.recording, 12_000);
      expect(waited).toBeLessThan(8000);
    });
    expect(lines.join('\n')).toMatch(/trace: recording of \d+ events dropped .* stopped renewing its 5 s lease/);
    const r = await cli(['record', '--seconds', '0.2', '-o', join(dir, 'after.bin')]);
    expect(r.code, r.stderr).toBe(EXIT.OK);
  });

  it('record --stop ends a recording left running; its recorder says so', async () => {
    const p = spawn(process.execPath, [MAIN, 'record', '--seconds', '300', '-o', join(dir, 'stopped.bin')], {
      env: { ...process.env, TIERMEM_ADMIN_SOCKET: socket },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    await until('the recording to start', async () => (await status()).trace.recording);
    const out = join(dir, 'taken.bin');
    const r = await cli(['record', '--stop', '-o', out]);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(r.stdout).toMatch(/stopped a recording of \d+ events after [\d.]+ s; written to/);
    expect(readFileSync(out).length).toBeGreaterThanOrEqual(16);
    expect(await exited).toBe(EXIT.REJECTED);
    expect(err).toMatch(/the recording was stopped by someone else \(tiermem record --stop\)/);
    expect(existsSync(join(dir, 'stopped.bin'))).toBe(false);
    const none = await cli(['record', '--stop']);
    expect(none.code).toBe(EXIT.REJECTED);
    expect(none.stderr).toMatch(/no trace is being recorded/);
  });
});

describe('recommend', () => {
  /** A trace file whose live set is `blocks` (size, count, forced tier). */
  const traceFile = (name: string, blocks: [number, number, Tier | null][]): string => {
    const rec = createTraceRecorder(() => 0);
    let h = 1;
    for (const [size, count, forced] of blocks) {
      for (let i = 0; i < count; i++) rec.onAlloc(h++, size, 'data', forced, forced ?? 'pmem');
    }
    const file = join(dir, name);
    writeFileSync(file, rec.finish());
    return file;
  };
  const run = async (file: string, ...extra: string[]): Promise<{ human: string; json: Record<string, unknown> }> => {
    const h = await cli(['recommend', '--trace', file, '--ratio', '1:4', ...extra]);
    expect(h.code, h.stderr).toBe(EXIT.OK);
    const j = await cli(['--json', 'recommend', '--trace', file, '--ratio', '1:4', ...extra]);
    expect(j.code, j.stderr).toBe(EXIT.OK);
    expect(h.stdout + j.stdout).not.toMatch(/NaN/);
    return { human: h.stdout, json: JSON.parse(j.stdout) as Record<string, unknown> };
  };

  it('tries its --max bound as a candidate', async () => {
    // 512 B requests hold 20% of the bytes: any threshold in (512, 2048] reaches 1:4 exactly.
    const file = traceFile('max.bin', [
      [512, 100, null],
      [2048, 100, null],
    ]);
    const r = await run(file, '--max', '1KiB');
    expect(r.json).toMatchObject({ threshold: 1024, predictedShare: 0.2, reachable: true, unreachableReason: null });
    expect(r.human).toMatch(/recommended threshold 1\.00 KiB \(1024 B\): predicted DRAM share 20\.0%/);
    expect(r.human).not.toMatch(/NOT reachable/);
  });

  it('says why a share is unreachable: size granularity, forced bytes, bounds', async () => {
    const one = await run(traceFile('one-size.bin', [[4096, 100, null]]));
    expect(one.json).toMatchObject({ reachable: false, unreachableReason: 'granularity' });
    expect(one.human).toMatch(/NOT reachable within \+\/-2 points: the share jumps over the band at one request size/);
    const forced = await run(
      traceFile('forced.bin', [
        [4096, 100, 'dram'],
        [100, 100, null],
      ]),
    );
    expect(forced.json).toMatchObject({ reachable: false, unreachableReason: 'forced' });
    expect(forced.human).toMatch(/NOT reachable .*: the bytes placed explicitly on one tier/);
    const bounds = await run(
      traceFile('bounds.bin', [
        [512, 100, null],
        [2048, 100, null],
      ]),
      '--max',
      '256',
    );
    expect(bounds.json).toMatchObject({ reachable: false, unreachableReason: 'bounds' });
    expect(bounds.human).toMatch(/NOT reachable .*: the threshold bounds \(--min\/--max\) exclude/);
  });

  it('left-aligns its histogram bars', async () => {
    const r = await run(
      traceFile('hist.bin', [
        [100, 1000, null],
        [3000, 30, null],
        [70_000, 3, null],
      ]),
    );
    const bars = r.human.split('\n').filter((l) => l.includes('█'));
    expect(bars.length).toBe(3);
    const starts = new Set(bars.map((l) => l.indexOf('█')));
    expect(starts.size).toBe(1);
  });

  it('handles an empty trace without NaN', async () => {
    const r = await run(traceFile('empty.bin', []));
    expect(r.human).toMatch(/no threshold to recommend: the trace ends with no live bytes/);
    expect(r.json).toMatchObject({ reachable: false, unreachableReason: 'empty', predictedShare: null });
  });
});
