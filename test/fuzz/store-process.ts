// The store as its own process (`tiermem serve` from dist/), so that a frame that hangs or kills
// it is seen as such instead of freezing or killing the test runner with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../diff/redis-server.js';
import { FuzzConn } from './conn.js';

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface ServerProcess {
  port: number;
  pid: number;
  /** Exit code or signal once it has exited, else null. */
  exited(): string | null;
  output(): string;
  stop(): Promise<void>;
}

async function waitPing(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${output()}`);
    try {
      const c = await FuzzConn.open(port);
      c.send('PING\r\n');
      const r = await c.wait(1, 1000);
      c.close();
      if (r === 'replied') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer on port ${port}: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function track(child: ChildProcess, port: number): Promise<ServerProcess> {
  let out = '';
  let status: string | null = null;
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      status = signal ?? `exit ${code}`;
      r();
    }),
  );
  const proc: ServerProcess = {
    port,
    pid: child.pid ?? 0,
    exited: () => status,
    output: () => out,
    async stop() {
      if (status === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
  return waitPing(port, child, () => out).then(
    () => proc,
    async (e: unknown) => {
      await proc.stop();
      throw e;
    },
  );
}

/** `tiermem serve` on a free port with emulated PMem, its RDB directory and admin socket in `dir`. */
export async function startStoreProcess(dir: string, extra: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const pmem = join(dir, 'pmem');
  mkdirSync(pmem, { recursive: true });
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--pmem', `file:${pmem}`, '--no-metrics', '--port', String(port), '--dir', dir, ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIERMEM_ADMIN_SOCKET: join(dir, 'admin.sock') } },
  );
  return track(child, port);
}

/** redis-server 7.0.15 on a free port, no persistence. */
export async function startRedisProcess(dir: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return track(child, port);
}
