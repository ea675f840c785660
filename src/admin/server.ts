// The admin API server: JSON over HTTP on a Unix socket (0600, the default) or on loopback TCP
// with a bearer token read from a file.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import type { AdminErrorCode, AdminResponse } from './protocol.js';
import { AdminError, errorStatus } from './handlers.js';
import type { Route } from './handlers.js';

export type AdminListen = { socketPath: string } | { host: string; port: number; tokenFile: string };

export interface AdminServer {
  /** 'unix:/path' or 'http://127.0.0.1:port'. */
  readonly address: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: AdminResponse<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        // Answer now and discard the rest, so the client reads an error rather than a reset.
        reject(new AdminError(413, 'ERR_TIERMEM_INVALID_ARG', `request body larger than ${MAX_BODY} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Who made a request, for the service's change log: the client's user agent and where it came from. */
function caller(req: IncomingMessage): string {
  const agent = (req.headers['user-agent'] ?? 'unknown client').replace(/[^\x20-\x7e]/g, '?').slice(0, 60);
  const addr = req.socket.remoteAddress;
  return `admin API (${agent}${addr ? ` from ${addr}:${req.socket.remotePort ?? 0}` : ' on the Unix socket'})`;
}

const isLoopback = (host: string): boolean => host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Read the token file, creating it (0600, random) when it does not exist yet. */
export function loadOrCreateToken(file: string): string {
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const token = readFileSync(file, 'utf8').trim();
  if (token.length < 16) throw new Error(`admin token in ${file} is shorter than 16 characters`);
  return token;
}

/** True when something answers on the socket (another service owns it). */
function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: path, path: '/v1/status', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * Make `path` free for a new socket: refuse when another service answers on it or it is not a
 * socket, remove a stale one left by a crashed service. The service calls this before opening the
 * allocator, so "already running" is reported before any heavy start-up work.
 */
export async function claimSocketPath(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`admin socket path ${path} exists and is not a socket`);
  if (await socketAlive(path)) throw new Error(`another tiermem service is already listening on ${path}`);
  unlinkSync(path);
}

export async function startAdminServer(routes: Map<string, Route>, listen: AdminListen): Promise<AdminServer> {
  let tokenDigest: Buffer | null = null;
  if ('tokenFile' in listen) {
    if (!isLoopback(listen.host)) {
      throw new Error(`admin API host must be a loopback address, got '${listen.host}'`);
    }
    tokenDigest = digest(loadOrCreateToken(listen.tokenFile));
  }

  const server = createServer((req, res) => {
    if (tokenDigest) {
      const m = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '');
      if (!m || !timingSafeEqual(digest(m[1] ?? ''), tokenDigest)) {
        send(res, 401, {
          ok: false,
          error: { code: 'ERR_ADMIN_UNAUTHORIZED', message: 'missing or wrong bearer token' },
        });
        return;
      }
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes.get(`${req.method} ${path}`);
    if (!route) {
      const other = [...routes.keys()].some((k) => k.endsWith(` ${path}`));
      const [status, code, message]: [number, AdminErrorCode, string] = other
        ? [405, 'ERR_ADMIN_METHOD', `${req.method} is not allowed on ${path}`]
        : [404, 'ERR_ADMIN_NOT_FOUND', `unknown endpoint ${path}`];
      req.resume();
      send(res, status, { ok: false, error: { code, message } });
      return;
    }
    readBody(req)
      .then((text) => {
        let body: unknown = undefined;
        if (text.trim() !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            throw new AdminError(400, 'ERR_TIERMEM_INVALID_ARG', 'request body is not valid JSON');
          }
        }
        if (route.method === 'POST' && body === undefined) body = {};
        send(res, 200, { ok: true, result: route.handle(body, caller(req)) });
      })
      .catch((e: unknown) => {
        const { status, code, message } = errorStatus(e);
        if (!res.headersSent) send(res, status, { ok: false, error: { code, message } });
      });
  });
  server.keepAliveTimeout = 2000;

  if ('socketPath' in listen) {
    const path = listen.socketPath;
    await claimSocketPath(path);
    // The socket is created with the process umask: narrow it for the bind so that no other
    // user can connect even for an instant, then chmod as well in case the filesystem ignores it.
    const oldMask = process.umask(0o177);
    try {
      await listenOn(server, () => server.listen(path));
    } finally {
      process.umask(oldMask);
    }
    chmodSync(path, 0o600);
    return {
      address: `unix:${path}`,
      close: () =>
        closeServer(server).then(() => {
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
        }),
    };
  }
  await listenOn(server, () => server.listen(listen.port, listen.host));
  const port = (server.address() as AddressInfo).port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return { address: `http://${host}:${port}`, close: () => closeServer(server) };
}

function listenOn(server: ReturnType<typeof createServer>, start: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
    start();
  });
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
