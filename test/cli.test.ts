// The `tiermem` CLI as a subprocess (dist/cli/main.js, built by `npm test`) against a running
// service: every command, bad input with the documented exit codes, and `serve` itself.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../src/admin/index.js';
import { resolveConfig } from '../src/service/config.js';
import { loadServiceDeps } from '../src/service/deps.js';
import { startService } from '../src/service/service.js';
import type { Service } from '../src/service/service.js';
import { decodeTrace } from '../src/trace/format.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const EXIT = { OK: 0, USAGE: 2, UNREACHABLE: 3, REJECTED: 4, UNAUTHORIZED: 5, START_FAILED: 6 };

let dir: string;
let socket: string;
let service: Service;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI asynchronously: the service answering it lives in this process. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, TIERMEM_ADMIN_SOCKET: socket, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    p.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A user error: the code, and exactly one line on stderr with no stack trace. */
async function expectUserError(args: string[], code: number, pattern: RegExp): Promise<void> {
  const r = await cli(args);
  const what = `tiermem ${args.join(' ')}: ${r.stderr}`;
  expect(r.code, what).toBe(code);
  expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
  expect(r.stderr, what).toMatch(pattern);
  expect(r.stderr, what).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx tsc -p tsconfig.json first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'tiermem-cli-'));
  socket = join(dir, 'admin.sock');
  service = await startService(
    resolveConfig({ admin: { socket }, metrics: { port: 0 }, store: { enabled: false }, threshold: 1024 }),
    await loadServiceDeps(),
  );
  for (let i = 0; i < 200; i++) service.allocator.zmalloc(64 + i * 30, 'data');
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tiermem client commands', () => {
  it('status: human and --json', async () => {
    const r = await cli(['status']);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(r.stdout).toMatch(/pmem\s+MEMKIND_\S+.*(EMULATED|real)/);
    expect(r.stdout).toMatch(/DRAM share \d+\.\d% vs target 20\.0% \(DRAM:PMem 1:4\)/);
    expect(r.stdout).toMatch(/controller (on-target|converging|unreachable|paused)/);
    expect(r.stdout).toMatch(/^data\s/m);
    const j = await cli(['status', '--json']);
    const s = JSON.parse(j.stdout) as StatusReport;
    expect(s.tiers.dram.liveBytes + s.tiers.pmem.liveBytes).toBe(
      service.allocator.stats().tiers.dram.liveBytes + service.allocator.stats().tiers.pmem.liveBytes,
    );
    expect(s.targetShare).toBe(0.2);
  });

  it('set ratio, threshold (pauses), bounds, limit, policy, period, gains; controller pause and resume', async () => {
    let r = await cli(['set', 'ratio', '1:3']);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(r.stdout).toContain('DRAM share 25.0%');
    expect(service.controller?.params.targetShare).toBe(0.25);

    // Redis's units, as CONFIG SET reads them: 4k is 4000, 4kb and 4KiB 4096.
    r = await cli(['set', 'threshold', '4k']);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(service.allocator.threshold).toBe(4000);
    r = await cli(['set', 'threshold', '4kb']);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(service.allocator.threshold).toBe(4096);
    r = await cli(['set', 'threshold', '4KiB']);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(service.allocator.threshold).toBe(4096);
    expect(service.controller?.status).toBe('paused');
    r = await cli(['controller', 'resume']);
    expect(r.code).toBe(EXIT.OK);
    expect(service.controller?.status).not.toBe('paused');
    r = await cli(['controller', 'pause', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'paused' });
    expect((await cli(['controller', 'resume'])).code).toBe(EXIT.OK);

    r = await cli(['set', 'bounds', '64', '1MiB']);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect([service.controller?.params.minThreshold, service.controller?.params.maxThreshold]).toEqual([64, 1 << 20]);
    r = await cli(['set', 'limit', 'pmem', '8GiB']);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(service.allocator.stats().tiers.pmem.limit).toBe(8 * 1024 ** 3);
    expect((await cli(['set', 'limit', 'pmem', '0'])).code).toBe(EXIT.OK);
    expect((await cli(['set', 'policy', 'strict'])).code).toBe(EXIT.OK);
    expect(service.allocator.policy).toBe('strict');
    expect((await cli(['set', 'policy', 'spill'])).code).toBe(EXIT.OK);
    expect((await cli(['set', 'period', '200'])).code).toBe(EXIT.OK);
    expect(service.controller?.params.periodMs).toBe(200);
    expect((await cli(['set', 'gains', '0.5', '0.2'])).code).toBe(EXIT.OK);
    expect(service.controller?.params).toMatchObject({ kp: 0.5, ki: 0.2 });
    expect((await cli(['set', 'gains', '0.5', '0.2', '12', '80'])).code).toBe(EXIT.OK);
    expect(service.controller?.params).toMatchObject({ kp: 0.5, ki: 0.2, trimKp: 12, trimKi: 80 });
    expect((await cli(['set', 'param', 'volumeBytes', '2MiB'])).code).toBe(EXIT.OK);
    expect(service.controller?.params.volumeBytes).toBe(2 << 20);
    expect((await cli(['set', 'ratio', '1:4'])).code).toBe(EXIT.OK);
  });

  it('bad input: usage errors exit 2, refusals 4, an unreachable socket 3; nothing changes', async () => {
    const before = JSON.stringify({
      t: service.allocator.threshold,
      p: service.controller?.params,
      pol: service.allocator.policy,
    });
    await expectUserError(['set', 'ratio', '1:x'], EXIT.USAGE, /ratio '1:x' is not of the form DRAM:PMEM/);
    await expectUserError(['set', 'ratio', '1/4'], EXIT.USAGE, /DRAM:PMEM, e\.g\. 1:4/);
    await expectUserError(['set', 'ratio', '0:0'], EXIT.USAGE, /0:0/);
    await expectUserError(['set', 'threshold', '-5'], EXIT.USAGE, /negative/);
    await expectUserError(['set', 'threshold', '12XB'], EXIT.USAGE, /not a size/);
    await expectUserError(['set', 'limit', 'pmem', '-8GiB'], EXIT.USAGE, /negative/);
    await expectUserError(['set', 'bounds', '-4KiB', '64'], EXIT.USAGE, /min '-4KiB' is negative/);
    await expectUserError(['set', 'limit', 'nvme', '8GiB'], EXIT.USAGE, /tier 'nvme'/);
    await expectUserError(['set', 'policy', 'lax'], EXIT.USAGE, /policy 'lax'/);
    await expectUserError(['set', 'period', 'soon'], EXIT.USAGE, /not a number/);
    await expectUserError(['set', 'ratio'], EXIT.USAGE, /missing required argument/);
    await expectUserError(['frobnicate'], EXIT.USAGE, /unknown command/);
    await expectUserError(['status', '--frob'], EXIT.USAGE, /unknown option/);
    await expectUserError(['set', 'bounds', '1MiB', '64'], EXIT.REJECTED, /refused: .*min/);
    // Checked against the parameter table before anything is sent (the service would refuse it too).
    await expectUserError(['set', 'gains', '5', '0'], EXIT.USAGE, /kp must be between 0 and 1, got 5/);
    await expectUserError(['set', 'param', 'trimKi', '99999'], EXIT.USAGE, /trimKi must be between 0 and 10000/);
    await expectUserError(['set', 'param', 'colour', '1'], EXIT.USAGE, /'colour' is not a controller parameter/);
    await expectUserError(
      ['--socket', join(dir, 'nobody.sock'), 'status'],
      EXIT.UNREACHABLE,
      /cannot reach the tiermem service .*nobody\.sock/,
    );
    await expectUserError(
      ['--socket', join(dir, 'nobody.sock'), 'set', 'ratio', '1:4'],
      EXIT.UNREACHABLE,
      /is 'tiermem serve' running/,
    );
    expect(
      JSON.stringify({ t: service.allocator.threshold, p: service.controller?.params, pol: service.allocator.policy }),
    ).toBe(before);
    // --json errors are one JSON line.
    const j = await cli(['--json', 'set', 'ratio', '1:x']);
    expect(j.code).toBe(EXIT.USAGE);
    expect(JSON.parse(j.stderr)).toMatchObject({ error: { exitCode: EXIT.USAGE } });
    expect((await cli(['--help'])).code).toBe(EXIT.OK);
  });

  it('watch: frames with the share and threshold charts; --json one status per line', async () => {
    const r = await cli(['watch', '--count', '3', '--interval', '200']);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(r.stdout).toContain('DRAM share  (▀▄ measured, ╌ target)');
    expect(r.stdout).toContain('threshold  (log scale)');
    expect(r.stdout.match(/tiermem watch/g)).toHaveLength(3);
    const j = await cli(['watch', '--json', '--count', '2', '--interval', '100']);
    const lines = j.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect((JSON.parse(lines[1]!) as StatusReport).targetShare).toBe(0.2);
    await expectUserError(['watch', '--interval', '5'], EXIT.USAGE, /--interval must be between/);
    await expectUserError(
      ['--socket', join(dir, 'nobody.sock'), 'watch', '--count', '1'],
      EXIT.UNREACHABLE,
      /cannot reach/,
    );
  });

  it('record a trace from the service, then recommend a threshold from it offline', async () => {
    const file = join(dir, 'trace.bin');
    // Allocate while the CLI records.
    const live: number[] = [];
    const timer = setInterval(() => {
      for (let i = 0; i < 50; i++) live.push(service.allocator.zmalloc(32 + ((live.length * 37) % 4000), 'data'));
    }, 20);
    const r = await cli(['record', '--seconds', '1', '-o', file]);
    clearInterval(timer);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(r.stdout).toMatch(/recorded \d+ events in 1\.\d s into/);
    const trace = decodeTrace(readFileSync(file));
    expect(trace.length).toBeGreaterThan(100);

    const rec = await cli(['recommend', '--trace', file, '--ratio', '1:4']);
    expect(rec.code, rec.stderr).toBe(EXIT.OK);
    expect(rec.stdout).toMatch(/recommended threshold .* predicted DRAM share \d+\.\d%/);
    expect(rec.stdout).toContain('live routed bytes by requested size');
    const j = await cli(['recommend', '--trace', file, '--ratio', '1:4', '--json']);
    const out = JSON.parse(j.stdout) as { threshold: number; predictedShare: number; histogram: number[] };
    expect(out.predictedShare).toBeGreaterThan(0.17);
    expect(out.predictedShare).toBeLessThan(0.23);
    expect(out.histogram.length).toBeGreaterThan(10);

    await expectUserError(
      ['record', '--seconds', '1', '-o', join(dir, 'no', 'such', 'dir', 't.bin')],
      EXIT.USAGE,
      /cannot write/,
    );
    await expectUserError(['record', '--seconds', '-1', '-o', join(dir, 'x.bin')], EXIT.USAGE, /--seconds/);
    await expectUserError(['record', '--seconds', '1'], EXIT.USAGE, /required option/);
    await expectUserError(
      ['--socket', join(dir, 'nobody.sock'), 'record', '--seconds', '1', '-o', join(dir, 'y.bin')],
      EXIT.UNREACHABLE,
      /cannot reach/,
    );
    expect(existsSync(join(dir, 'y.bin'))).toBe(false);
    await expectUserError(['recommend', '--trace', file, '--ratio', '1:'], EXIT.USAGE, /DRAM:PMEM/);
    await expectUserError(
      ['recommend', '--trace', join(dir, 'missing.bin'), '--ratio', '1:4'],
      EXIT.USAGE,
      /cannot read trace .*ENOENT/,
    );
    writeFileSync(join(dir, 'junk.bin'), 'not a trace at all');
    await expectUserError(
      ['recommend', '--trace', join(dir, 'junk.bin'), '--ratio', '1:4'],
      EXIT.USAGE,
      /not a tiermem trace/,
    );
    for (const h of live) service.allocator.zfree(h);
  });
});

/** Start `tiermem serve` as a subprocess and wait for its ready line. */
function serve(
  args: string[],
): Promise<{ proc: ReturnType<typeof spawn>; log: () => string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, [MAIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('ready;')) {
        clearInterval(t);
        resolve({ proc, log: () => out, exited });
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(t);
      reject(new Error(`serve exited ${code}: ${out}`));
    });
  });
}

describe('tiermem serve', () => {
  it('runs allocator, controller, store, metrics and admin API; says the PMem tier is emulated; stops on SIGTERM', async () => {
    const sock = join(dir, 'serve.sock');
    const s = await serve(['--socket', sock, '--metrics-port', '0', '--port', '0', '--ratio', '1:3']);
    const log = s.log();
    expect(log).toMatch(/PMem tier: .*(EMULATED|real)/);
    expect(log).toMatch(/store engine \(Redis protocol\): redis:\/\/127\.0\.0\.1:\d+/);
    expect(log).toMatch(/metrics: http:\/\/127\.0\.0\.1:\d+\/metrics/);
    const st = await cli(['--socket', sock, 'status', '--json']);
    expect(st.code, st.stderr).toBe(EXIT.OK);
    expect((JSON.parse(st.stdout) as StatusReport).targetShare).toBe(0.25);
    await expectUserError(
      ['serve', '--socket', sock, '--no-metrics', '--no-store'],
      EXIT.START_FAILED,
      /already listening on/,
    );
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.log()).toContain('stopped');
    expect(existsSync(sock)).toBe(false);
  });

  it('serves the admin API on loopback HTTP with a bearer token', async () => {
    const tokenFile = join(dir, 'token');
    const s = await serve(['--admin-port', '0', '--token-file', tokenFile, '--no-metrics', '--no-store']);
    const url = /admin API: (http:\/\/127\.0\.0\.1:\d+)/.exec(s.log())?.[1];
    expect(url).toBeDefined();
    const ok = await cli(['--admin-url', url!, '--token-file', tokenFile, 'set', 'ratio', '1:1']);
    expect(ok.code, ok.stderr).toBe(EXIT.OK);
    writeFileSync(join(dir, 'wrong-token'), 'x'.repeat(40));
    await expectUserError(
      ['--admin-url', url!, '--token-file', join(dir, 'wrong-token'), 'status'],
      EXIT.UNAUTHORIZED,
      /bearer token/,
    );
    await expectUserError(['--admin-url', url!, 'status'], EXIT.USAGE, /--token-file/);
    s.proc.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it('exits 2 on a bad flag or config file, 6 when it cannot start', async () => {
    await expectUserError(['serve', '--ratio', '1:x'], EXIT.USAGE, /ratio/);
    await expectUserError(['serve', '--threshold', 'big'], EXIT.USAGE, /threshold 'big' is not a size/);
    writeFileSync(join(dir, 'bad.json'), '{"ratio": "1:4", "colour": "blue"}');
    await expectUserError(['serve', '--config', join(dir, 'bad.json')], EXIT.USAGE, /unknown setting 'colour'/);
    await expectUserError(['serve', '--config', join(dir, 'none.json')], EXIT.USAGE, /cannot read config file/);
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      await expectUserError(
        ['serve', '--socket', join(dir, 'busy.sock'), '--metrics-port', String(port), '--port', '0'],
        EXIT.START_FAILED,
        /could not start: .*EADDRINUSE/,
      );
    } finally {
      busy.close();
    }
    expect(existsSync(join(dir, 'busy.sock'))).toBe(false);
  });

  it('reads a JSON config file, flags override it', async () => {
    const sock = join(dir, 'cfg.sock');
    writeFileSync(
      join(dir, 'cfg.json'),
      JSON.stringify({
        ratio: '1:1',
        threshold: '2KiB',
        controller: { periodMs: 500 },
        store: { enabled: false },
        metrics: { enabled: false },
      }),
    );
    const s = await serve(['--config', join(dir, 'cfg.json'), '--socket', sock, '--ratio', '1:4']);
    const st = JSON.parse((await cli(['--socket', sock, 'status', '--json'])).stdout) as StatusReport;
    expect(st.targetShare).toBe(0.2);
    expect(st.controller?.params.periodMs).toBe(500);
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});
