// Shared by the store tests: a store server on a free port over a real (emulated-PMem) allocator,
// redis-cli as the client, and raw sockets for protocol abuse.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { createAllocator } from '../src/allocator.js';
import { startStoreServer, type StoreServer, type StoreServerOptions } from '../src/store/index.js';
import type { Allocator, AllocatorOptions } from '../src/types.js';

const run = promisify(execFile);

export interface TestStore {
  alloc: Allocator;
  server: StoreServer;
  port: number;
  /** One redis-cli call (--no-raw: typed output such as "(integer) 1", "(error) ..."). */
  cli(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startTestStore(
  allocOptions: AllocatorOptions = {},
  storeOptions: Partial<StoreServerOptions> = {},
): Promise<TestStore> {
  const alloc = createAllocator({ threshold: 256, ...allocOptions });
  const server = await startStoreServer({ allocator: alloc, port: 0, ...storeOptions });
  const port = server.address.port;
  return {
    alloc,
    server,
    port,
    async cli(...args: string[]): Promise<string> {
      const r = await run('redis-cli', ['--no-raw', '-p', String(port), ...args], { encoding: 'utf8' });
      return (r.stdout + r.stderr).replace(/\n$/, '');
    },
    async close(): Promise<void> {
      await server.close();
      alloc.close();
    },
  };
}

export interface RawResult {
  data: string;
  closed: boolean;
}

/** Send bytes on a fresh connection; collect replies until the server closes or `waitMs` of quiet. */
export function raw(port: number, payload: string | Buffer | (string | Buffer)[], waitMs = 150): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | null = null;
    const finish = (closed: boolean): void => {
      if (timer) clearTimeout(timer);
      s.destroy();
      resolve({ data: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(false), waitMs);
    };
    const send = async (): Promise<void> => {
      const parts = Array.isArray(payload) ? payload : [payload];
      for (const p of parts) {
        await new Promise((r) => s.write(p, r));
        await new Promise((r) => setTimeout(r, 10)); // separate reads: exercises partial frames
      }
      arm();
    };
    s.on('connect', () => {
      send().catch(reject);
    });
    s.on('data', (d) => {
      chunks.push(d);
      arm();
    });
    s.on('close', () => finish(true));
    s.on('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET' || code === 'EPIPE') finish(true);
      else reject(e);
    });
  });
}

/** RESP encoding of one command. */
export function resp(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
