// The admin API on a real service: every endpoint, and every kind of bad input answered with an
// error that changes nothing; the Unix socket is 0600; the HTTP form needs the bearer token.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, AdminClientError, createRoutes, startAdminServer, TraceSession } from '../src/admin/index.js';
import type { ControllerStatusReport, StatusReport, TraceResult } from '../src/admin/index.js';
import { resolveConfig } from '../src/service/config.js';
import { loadServiceDeps } from '../src/service/deps.js';
import { startService } from '../src/service/service.js';
import type { Service } from '../src/service/service.js';
import { decodeTrace } from '../src/trace/format.js';

let dir: string;
let service: Service;
let api: AdminClient;
let socketPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-admin-'));
  socketPath = join(dir, 'admin.sock');
  const config = resolveConfig({
    admin: { socket: socketPath },
    metrics: { port: 0 },
    store: { enabled: false },
    threshold: 1024,
  });
  service = await startService(config, await loadServiceDeps());
  api = new AdminClient({ socketPath });
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Admin routes over the running service (a second allocator cannot be opened in this process). */
function routes(): ReturnType<typeof createRoutes> {
  return createRoutes({
    allocator: service.allocator,
    controller: service.controller,
    traces: new TraceSession(service.allocator, null),
    endpoints: () => ({ metrics: null, store: null }),
    startedAt: Date.now(),
  });
}

/** A raw request, for bodies the client would never send. */
function raw(
  method: string,
  path: string,
  body?: string,
  target: { socketPath: string } | { port: number } = { socketPath },
  headers: Record<string, string> = {},
): Promise<{ status: number; json: { ok: boolean; error?: { code: string; message: string }; result?: unknown } }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...target,
        ...('port' in target ? { host: '127.0.0.1' } : {}),
        method,
        path,
        headers: { 'content-type': 'application/json', ...headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as never }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Everything a rejected request must leave as it was. */
async function state(): Promise<string> {
  const s = await api.get<StatusReport>('/status');
  return JSON.stringify({
    threshold: s.threshold,
    policy: s.policy,
    target: s.targetShare,
    params: s.controller?.params,
    paused: s.controller?.status === 'paused',
    limits: [s.tiers.dram.limit, s.tiers.pmem.limit],
    trace: s.trace.recording,
  });
}

describe('admin API over the Unix socket', () => {
  it('listens on a 0600 socket and reports status, stats and info', async () => {
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    const h = service.allocator.zmalloc(100, 'data');
    const s = await api.get<StatusReport>('/status');
    expect(s.backend.pmem.tier).toBe('pmem');
    expect(typeof s.backend.pmem.emulated).toBe('boolean');
    expect(s.tiers.dram.byCategory.data.liveCount).toBe(1);
    expect(s.dramShare).toBe(1);
    expect(s.controller?.params.targetShare).toBe(0.2);
    expect(s.endpoints.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const stats = await api.get<{ tiers: { dram: { liveHist: number[] } }; flowCount: number[] }>('/stats');
    expect(stats.tiers.dram.liveHist.reduce((a, b) => a + b, 0)).toBe(service.allocator.zmallocSize(h));
    expect(Array.isArray(stats.flowCount)).toBe(true);
    expect((await api.get<{ version: string }>('/info')).version).toBe(s.version);
    service.allocator.zfree(h);
  });

  it('sets ratio, bounds, gains and period; a fixed threshold pauses the controller until resume', async () => {
    let c = await api.post<ControllerStatusReport>('/ratio', { ratio: '1:3' });
    expect(c.params.targetShare).toBe(0.25);
    c = await api.post<ControllerStatusReport>('/ratio', { share: 0.5 });
    expect(c.params.targetShare).toBe(0.5);
    c = await api.post<ControllerStatusReport>('/bounds', { min: 64, max: '1MiB' });
    expect([c.params.minThreshold, c.params.maxThreshold]).toEqual([64, 1 << 20]);
    c = await api.post<ControllerStatusReport>('/controller', {
      periodMs: 250,
      kp: 0.5,
      ki: 0.1,
      trimKp: 8,
      trimKi: 50,
      volumeBytes: '1MiB',
    });
    expect(c.params).toMatchObject({ periodMs: 250, kp: 0.5, ki: 0.1, trimKp: 8, trimKi: 50, volumeBytes: 1 << 20 });

    const t = await api.post<{ threshold: number; controller: ControllerStatusReport }>('/threshold', {
      bytes: '2KiB',
    });
    expect(t.threshold).toBe(2048);
    expect(t.controller.status).toBe('paused');
    await new Promise((r) => setTimeout(r, 600)); // a few controller periods: the threshold stays put
    expect(service.allocator.threshold).toBe(2048);
    expect((await api.post<ControllerStatusReport>('/controller/resume')).status).not.toBe('paused');
    expect((await api.post<ControllerStatusReport>('/controller/pause')).status).toBe('paused');
    expect((await api.post<ControllerStatusReport>('/controller/resume')).status).not.toBe('paused');
  });

  it('sets per-tier limits and the exhaustion policy', async () => {
    const r = await api.post<Record<string, { limit: number }>>('/limit', { tier: 'pmem', bytes: '8GiB' });
    expect(r.pmem?.limit).toBe(8 * 1024 ** 3);
    expect(service.allocator.stats().tiers.pmem.limit).toBe(8 * 1024 ** 3);
    await api.post('/limit', { tier: 'pmem', bytes: 0 });
    expect((await api.post<{ policy: string }>('/policy', { policy: 'strict' })).policy).toBe('strict');
    expect(service.allocator.policy).toBe('strict');
    await api.post('/policy', { policy: 'spill' });
  });

  it('records a trace between start and stop', async () => {
    await api.post('/trace/start', { maxSeconds: 30 });
    expect((await api.get<StatusReport>('/status')).trace.recording).toBe(true);
    const hs = [100, 5000, 300].map((n) => service.allocator.zmalloc(n, 'data'));
    for (const h of hs) service.allocator.zfree(h);
    const r = await api.post<TraceResult>('/trace/stop');
    const trace = decodeTrace(Buffer.from(r.trace, 'base64'));
    expect(trace.length).toBe(r.events);
    expect(r.events).toBeGreaterThanOrEqual(6);
    expect([...trace.size].filter((s) => s > 0)).toEqual(expect.arrayContaining([100, 5000, 300]));
    expect((await api.get<StatusReport>('/status')).trace.recording).toBe(false);
  });

  it('rejects malformed, unknown and out-of-range input with an error and changes nothing', async () => {
    // Paused, so that only a request could move the threshold while we compare.
    await api.post('/controller/pause');
    const before = await state();
    const cases: Array<[string, string, string | undefined, number, string]> = [
      ['POST', '/v1/ratio', '{"ratio": "1:x"}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/ratio', '{"ratio": "0:0"}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/ratio', '{"ratio": 4}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/ratio', '{"share": 1.5}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/ratio', '{"ratio": "1:4", "share": 0.2}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/ratio', '{}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/ratio', '{"ratio": "1:4"', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/ratio', '[1, 4]', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/ratio', '{"ratio": "1:4", "force": true}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/threshold', '{"bytes": -1}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/threshold', '{"bytes": "lots"}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/threshold', '{"bytes": 1.5}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/threshold', '{}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/bounds', '{"min": 4096, "max": 64}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/bounds', '{"min": "-5", "max": 64}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/controller', '{"periodMs": 0}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/controller', '{"kp": "NaN"}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/controller', '{"kp": 0.5, "ki": 7}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/controller', '{"trimKp": 5, "trimKi": 99999}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/controller', '{}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/limit', '{"tier": "nvme", "bytes": 1}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/limit', '{"tier": "pmem", "bytes": "-8GiB"}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/policy', '{"policy": "lax"}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/controller/pause', '{"now": true}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/trace/start', '{"maxSeconds": 0}', 400, 'ERR_TIERMEM_INVALID_ARG'],
      ['POST', '/v1/trace/stop', '{}', 409, 'ERR_ADMIN_CONFLICT'],
      ['POST', '/v1/ratio', JSON.stringify({ ratio: 'x'.repeat(70_000) }), 413, 'ERR_TIERMEM_INVALID_ARG'],
      ['GET', '/v1/nope', undefined, 404, 'ERR_ADMIN_NOT_FOUND'],
      ['GET', '/v1/ratio', undefined, 405, 'ERR_ADMIN_METHOD'],
      ['POST', '/v1/status', '{}', 405, 'ERR_ADMIN_METHOD'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await raw(method, path, body);
      const what = `${method} ${path} ${body?.slice(0, 60)}`;
      expect(r.status, what).toBe(status);
      expect(r.json.ok, what).toBe(false);
      expect(r.json.error?.code, what).toBe(code);
      expect(r.json.error?.message.length, what).toBeGreaterThan(5);
      expect(await state(), what).toBe(before);
    }
    // A second start while recording conflicts and leaves the first recording alone.
    await api.post('/trace/start');
    await expect(api.post('/trace/start')).rejects.toMatchObject({ kind: 'rejected', code: 'ERR_ADMIN_CONFLICT' });
    await api.post('/trace/stop');
    await api.post('/controller/resume');
  });

  it('refuses a second service on a live socket and replaces a stale one', async () => {
    await expect(startAdminServer(routes(), { socketPath })).rejects.toThrow(/already listening/);
    // A crashed service leaves its socket file behind with nobody listening.
    const stalePath = join(dir, 'stale.sock');
    execFileSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(stalePath)})`]);
    expect(statSync(stalePath).isSocket()).toBe(true);
    const second = await startAdminServer(routes(), { socketPath: stalePath });
    expect((await new AdminClient({ socketPath: stalePath }).get<StatusReport>('/status')).version).toBeTruthy();
    await second.close();
    expect(existsSync(stalePath)).toBe(false);
  });

  it('reports an unreachable socket as such', async () => {
    const e = await new AdminClient({ socketPath: join(dir, 'none.sock') }).get('/status').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AdminClientError);
    expect((e as AdminClientError).kind).toBe('unreachable');
  });
});

describe('admin API over loopback HTTP', () => {
  it('creates a 0600 token file and requires the bearer token', async () => {
    const tokenFile = join(dir, 'token');
    const s = await startAdminServer(routes(), { host: '127.0.0.1', port: 0, tokenFile });
    try {
      expect(s.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const port = Number(new URL(s.address).port);
      expect((await raw('GET', '/v1/status', undefined, { port })).status).toBe(401);
      expect(
        (await raw('GET', '/v1/status', undefined, { port }, { authorization: 'Bearer wrong-token-0123456789' }))
          .status,
      ).toBe(401);
      const token = readFileSync(tokenFile, 'utf8').trim();
      const ok = await raw('POST', '/v1/ratio', '{"ratio":"1:1"}', { port }, { authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      const c = new AdminClient({ url: s.address, tokenFile });
      expect((await c.get<StatusReport>('/status')).targetShare).toBe(0.5);
      await c.post('/ratio', { ratio: '1:4' });
    } finally {
      await s.close();
    }
    await expect(startAdminServer(routes(), { host: '0.0.0.0', port: 0, tokenFile })).rejects.toThrow(/loopback/);
  });
});
