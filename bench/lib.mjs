// Small helpers shared by the Node benchmark drivers.
import { execFileSync } from 'node:child_process';
import net from 'node:net';

/** A TCP port free on loopback right now. */
export const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One redis-cli call against a port; its trimmed stdout (big replies allowed). */
export const cli = (port, ...args) =>
  execFileSync('redis-cli', ['-p', String(port), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 30,
  }).trim();
