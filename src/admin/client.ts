// The admin API client used by the CLI: the same JSON-over-HTTP calls on a Unix socket or on
// loopback TCP with a bearer token.

import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AdminResponse } from './protocol.js';
import { API_PREFIX } from './protocol.js';

export type AdminTarget = { socketPath: string } | { url: string; tokenFile: string };

/** Why a call failed: the CLI maps each kind to an exit code. */
export type AdminFailure = 'unreachable' | 'unauthorized' | 'rejected' | 'protocol';

export class AdminClientError extends Error {
  constructor(
    readonly kind: AdminFailure,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class AdminClient {
  private readonly token: string | null;

  constructor(
    private readonly target: AdminTarget,
    private readonly timeoutMs = 10_000,
    private readonly agent = 'tiermem-admin-client',
  ) {
    this.token = null;
    if ('tokenFile' in target) {
      try {
        this.token = readFileSync(target.tokenFile, 'utf8').trim();
      } catch (e) {
        throw new AdminClientError(
          'unauthorized',
          `cannot read the admin token file ${target.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    }
  }

  describe(): string {
    return 'socketPath' in this.target ? this.target.socketPath : this.target.url;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }
  post<T>(path: string, body: object = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // The user agent names the caller in the service's change log ('tiermem-cli', or whoever embeds this client).
    const headers: Record<string, string | number> = { accept: 'application/json', 'user-agent': this.agent };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const where = this.describe();
    const opts =
      'socketPath' in this.target
        ? { socketPath: this.target.socketPath, path: API_PREFIX + path }
        : (() => {
            const u = new URL(API_PREFIX + path, this.target.url);
            return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 80), path: u.pathname };
          })();

    return new Promise<T>((resolve, reject) => {
      const req = request({ ...opts, method, headers, timeout: this.timeoutMs, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) =>
          reject(new AdminClientError('protocol', `reading the reply from ${where} failed: ${e.message}`)),
        );
        res.on('end', () => {
          let parsed: AdminResponse<T>;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdminResponse<T>;
          } catch {
            reject(
              new AdminClientError(
                'protocol',
                `${where} did not answer with JSON (HTTP ${res.statusCode}); is it a tiermem admin endpoint?`,
              ),
            );
            return;
          }
          if (parsed.ok) resolve(parsed.result);
          else {
            const kind: AdminFailure = res.statusCode === 401 ? 'unauthorized' : 'rejected';
            reject(new AdminClientError(kind, parsed.error.message, parsed.error.code));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (e: NodeJS.ErrnoException) => {
        const why =
          e.code === 'ENOENT'
            ? 'no such socket'
            : e.code === 'ECONNREFUSED'
              ? 'connection refused'
              : e.code === 'EACCES'
                ? 'permission denied'
                : e.message;
        reject(
          new AdminClientError(
            'unreachable',
            `cannot reach the tiermem service at ${where} (${why}); is 'tiermem serve' running? Use --socket or --admin-url to point elsewhere`,
          ),
        );
      });
      req.end(payload);
    });
  }
}
