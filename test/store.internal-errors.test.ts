// Internal failures of the store (issue 15, item 5), injected through the test-only hook: an
// engine assertion (C) and a control-plane handler that throws (TS). Each ends its command with
// an INTERNAL error, is logged with a stack once per distinct error, is counted in INFO
// errorstats and in tiermem_internal_errors_total, and the connection goes on working. Without
// TIERMEM_TEST_FAULTS=1 at start the hook does nothing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespClient } from './diff/resp-client.js';
import type { RespValue } from './diff/resp.js';

const run = promisify(execFile);

// Before the store modules load: the store reads it once, at load.
process.env.TIERMEM_TEST_FAULTS = '1';
const { createAllocator } = await import('../src/allocator.js');
const { startStoreServer } = await import('../src/store/index.js');
const { createMetricsRegistry } = await import('../src/metrics/index.js');

const ENGINE_FAULT = 'tiermem:test-fault:engine';
const CONTROL_FAULT = 'tiermem:test-fault:control';

function text(r: RespValue): string {
  if (r.kind === 'error' || r.kind === 'simple' || r.kind === 'integer') return `${r.kind}:${r.text}`;
  if (r.kind === 'bulk') return r.data === null ? 'nil' : r.data.toString('latin1');
  return JSON.stringify(r);
}

describe('internal errors (injected)', () => {
  const logged: string[] = [];
  const alloc = createAllocator({ threshold: 256 });
  let server: Awaited<ReturnType<typeof startStoreServer>>;
  let c: RespClient;

  beforeAll(async () => {
    server = await startStoreServer({ allocator: alloc, port: 0, log: (l) => logged.push(l) });
    c = await RespClient.connect(server.address.port);
  });
  afterAll(async () => {
    c?.close();
    await server?.close();
    alloc.close();
  });

  const internalLines = (): string[] => logged.filter((l) => l.startsWith('internal error'));

  it('an engine failure ends the command, is logged with a stack once, and the connection goes on', async () => {
    await c.call('SET', 'k', 'v');
    expect(text(await c.call('GET', ENGINE_FAULT))).toBe("error:INTERNAL internal error in 'get' (see the server log)");
    expect(text(await c.call('PING'))).toBe('simple:PONG');
    expect(text(await c.call('GET', 'k'))).toBe('v');
    const lines = internalLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^internal error in the engine at server\.c:\d+ \(get\): injected test fault/);
    expect(lines[0]).toMatch(/\n {4}at .*\n {4}at /); // frames of the C stack
    // The same failure again: counted and replied, not logged again; in another command it is
    // another error.
    expect(text(await c.call('GET', ENGINE_FAULT))).toMatch(/^error:INTERNAL /);
    expect(internalLines()).toHaveLength(1);
    expect(text(await c.call('SET', 'x', ENGINE_FAULT))).toMatch(/^error:INTERNAL /);
    expect(internalLines()).toHaveLength(2);
    expect(internalLines()[1]).toMatch(/^internal error in the engine at server\.c:\d+ \(set\)/);
    // Nothing was written by the failed SET.
    expect(text(await c.call('EXISTS', 'x'))).toBe('integer:0');
  });

  it('a control-plane exception ends the command, is logged with its JS stack once', async () => {
    expect(text(await c.call('INFO', CONTROL_FAULT))).toBe(
      "error:INTERNAL internal error in 'info' (see the server log)",
    );
    expect(text(await c.call('INFO', 'server', CONTROL_FAULT))).toMatch(/^error:INTERNAL /);
    expect(text(await c.call('CONFIG', 'GET', CONTROL_FAULT))).toBe(
      "error:INTERNAL internal error in 'config|get' (see the server log)",
    );
    expect(text(await c.call('PING'))).toBe('simple:PONG');
    const js = internalLines().filter((l) => l.includes('control plane'));
    // One line per distinct error: INFO's fault (twice, same stack) and CONFIG GET's.
    expect(js).toHaveLength(2);
    expect(js[0]).toMatch(/serving 'info': Error: injected test fault/);
    expect(js[0]).toMatch(/\n\s+at .*control\.(ts|js)/);
  });

  it('counts them in INFO errorstats, commandstats and tiermem_internal_errors_total', async () => {
    const info = text(await c.call('INFO', 'errorstats', 'commandstats'));
    expect(info).toContain('errorstat_INTERNAL:count=6\r\n');
    expect(info).toMatch(/cmdstat_get:calls=\d+,[^\r]*failed_calls=2\r\n/);
    expect(info).toMatch(/cmdstat_info:calls=\d+,[^\r]*failed_calls=2\r\n/);
    const reg = createMetricsRegistry({ allocator: alloc, composition: () => server.composition() });
    expect(await reg.metrics()).toMatch(/^tiermem_internal_errors_total 6$/m);
    // CONFIG RESETSTAT clears errorstats as Redis does; the Prometheus counter stays monotonic.
    await c.call('CONFIG', 'RESETSTAT');
    expect(text(await c.call('INFO', 'errorstats'))).not.toContain('INTERNAL');
    expect(await reg.metrics()).toMatch(/^tiermem_internal_errors_total 6$/m);
  });

  it('cannot be switched on at run time', async () => {
    expect(text(await c.call('CONFIG', 'SET', 'test-faults', '1'))).toMatch(/^error:ERR Unknown option/);
  });
});

describe('without TIERMEM_TEST_FAULTS at start', () => {
  it('the fault arguments are ordinary arguments', async () => {
    const script = `
      import { createAllocator } from './dist/allocator.js';
      import { startStoreServer } from './dist/store/index.js';
      import net from 'node:net';
      const alloc = createAllocator({ threshold: 256 });
      const server = await startStoreServer({ allocator: alloc, port: 0 });
      const s = net.connect(server.address.port, '127.0.0.1');
      const cmd = (...a) => '*' + a.length + '\\r\\n' + a.map((x) => '$' + x.length + '\\r\\n' + x + '\\r\\n').join('');
      s.write(cmd('GET', '${ENGINE_FAULT}') + cmd('INFO', '${CONTROL_FAULT}'));
      let out = '';
      s.on('data', async (d) => {
        out += d;
        if (out.startsWith('$-1\\r\\n$')) { console.log(out.slice(0, 16)); s.destroy(); await server.close(); alloc.close(); }
      });`;
    const env = { ...process.env };
    delete env.TIERMEM_TEST_FAULTS;
    const r = await run(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    // GET of a missing key, and INFO with an unknown section (an empty bulk: "$0").
    expect(r.stdout).toMatch(/^\$-1\r\n\$0\r\n/);
  }, 20_000);
});
