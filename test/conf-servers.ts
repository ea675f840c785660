// Processes started from a config file, for the config-file and CONFIG REWRITE tests:
// redis-server 7.0.15 and `tiermem serve` (dist/cli/main.js), each run to its ready state or
// to its exit (a bad file), with the output kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { RespClient } from './diff/resp-client.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

export interface Proc {
  port: number;
  output(): string;
  /** SIGTERM, and wait for the exit. */
  close(): Promise<void>;
}

export interface Exit {
  code: number | null;
  output: string;
}

function launch(
  cmd: string,
  args: string[],
): { child: ChildProcess; output: () => string; exited: Promise<number | null>; closed: Promise<number | null> } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  // 'exit' may come before the last output is read (a loaded machine): 'close' comes after both.
  const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return { child, output: () => out, exited, closed };
}

async function closeChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

async function waitUntil(ok: () => Promise<boolean>, failed: () => string | null): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const f = failed();
    if (f !== null) throw new Error(f);
    if (await ok()) return;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function pings(port: number): Promise<boolean> {
  try {
    const c = await RespClient.connect(port);
    const r = await c.call('PING');
    c.close();
    return r.kind === 'simple' || r.kind === 'error';
  } catch {
    return false;
  }
}

/** redis-server FILE [args], listening on `port` (the file or the args must say so). */
export async function redisFromFile(file: string, port: number, args: string[] = []): Promise<Proc> {
  const { child, output, exited } = launch('redis-server', [file, ...args]);
  await waitUntil(
    () => pings(port),
    () => (child.exitCode !== null ? `redis-server exited ${child.exitCode}: ${output()}` : null),
  );
  return { port, output, close: () => closeChild(child, exited) };
}

/** `tiermem serve FILE [args]`; the store's port is read from the start-up log. */
export async function tiermemFromFile(file: string | null, args: string[] = []): Promise<Proc> {
  const { child, output, exited } = launch(process.execPath, [MAIN, 'serve', ...(file ? [file] : []), ...args]);
  await waitUntil(
    () => Promise.resolve(output().includes('ready;')),
    () => (child.exitCode !== null ? `tiermem serve exited ${child.exitCode}: ${output()}` : null),
  );
  const port = Number(/redis:\/\/127\.0\.0\.1:(\d+)/.exec(output())?.[1]);
  return { port, output, close: () => closeChild(child, exited) };
}

/** Run a command expected to fail at start-up; its exit code and output. */
export async function runToExit(cmd: 'redis-server' | 'tiermem', args: string[]): Promise<Exit> {
  const l = cmd === 'tiermem' ? launch(process.execPath, [MAIN, 'serve', ...args]) : launch(cmd, args);
  const t = setTimeout(() => l.child.kill('SIGKILL'), 20_000);
  const code = await l.closed;
  clearTimeout(t);
  return { code, output: l.output() };
}
