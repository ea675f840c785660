// Small helpers shared by the Node benchmark drivers.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** INFO's text as an object (field -> value). */
function parseInfo(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** INFO <section> of a server as an object (field -> value). */
export const info = (port, section) => parseInfo(cli(port, 'info', section));

/**
 * INFO over one kept connection, for polling while a server is measured: spawning redis-cli 50
 * times a second takes CPU from the server and the load generator on a 2-core machine (it cut
 * the SET rate during a BGSAVE by about a quarter, for redis-server and tiermem alike).
 */
export class InfoPoller {
  constructor(port) {
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.setNoDelay(true);
    this.buf = Buffer.alloc(0);
    this.waiting = null;
    this.sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
    });
    this.sock.on('error', (e) => this.waiting?.reject(e));
  }

  parse() {
    if (this.waiting === null) return;
    const nl = this.buf.indexOf('\r\n');
    if (nl < 0) return;
    if (this.buf[0] !== 0x24) return this.waiting.reject(new Error(this.buf.toString()));
    const len = Number(this.buf.subarray(1, nl).toString());
    if (this.buf.length < nl + 2 + len + 2) return;
    const text = this.buf.subarray(nl + 2, nl + 2 + len).toString();
    this.buf = this.buf.subarray(nl + 2 + len + 2);
    const w = this.waiting;
    this.waiting = null;
    w.resolve(parseInfo(text));
  }

  /** INFO <section> as an object (field -> value). */
  info(section) {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.sock.write(`*2\r\n$4\r\nINFO\r\n$${section.length}\r\n${section}\r\n`);
    });
  }

  close() {
    this.sock.destroy();
  }
}

/** total_commands_processed. */
export const commands = (port) => Number(info(port, 'stats').total_commands_processed);

/** Resident bytes (kB) of a process and its children (a forked save child included). */
export function treeRssKb(pid) {
  let total = 0;
  const walk = (p) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]);
      const kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const k of kids ? kids.split(/\s+/) : []) walk(Number(k));
    } catch {
      /* gone */
    }
  };
  walk(pid);
  return total;
}

/** Until the server answers PING (5 minutes at most: a big load at start). */
export async function waitPing(port) {
  for (let i = 0; i < 6000; i++) {
    try {
      if (cli(port, 'ping') === 'PONG') return;
    } catch {
      /* not yet */
    }
    await sleep(50);
  }
  throw new Error(`no PING answer on ${port}`);
}

/** n SETs of key:%012d to values of `size` bytes (valueOf(i), default all 'v'), as one RESP
 *  stream through redis-cli --pipe. */
export function fillValues(port, n, size, valueOf) {
  const value = 'v'.repeat(size);
  const valueAt = valueOf ?? (() => value);
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`--pipe exited ${code}: ${out}`))));
    let i = 0;
    const write = () => {
      while (i < n) {
        const parts = [];
        for (let j = 0; j < 2000 && i < n; j++, i++) {
          const k = `key:${String(i).padStart(12, '0')}`;
          parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${size}\r\n${valueAt(i)}\r\n`);
        }
        if (!p.stdin.write(parts.join(''))) return p.stdin.once('drain', write);
      }
      p.stdin.end();
    };
    write();
  });
}

/** A steady SET overwrite load over those n keys (redis-benchmark, until killed). */
export const setLoad = (port, n, size, clients, exSeconds = 0) =>
  spawn(
    'redis-benchmark',
    [
      '-p',
      String(port),
      '-r',
      String(n),
      '-d',
      String(size),
      '-n',
      '2000000000',
      '-c',
      String(clients),
      '-q',
      // With exSeconds: SET key v EX s over the same keys (-t set's key and value).
      ...(exSeconds > 0 ? ['SET', 'key:__rand_int__', 'x'.repeat(size), 'EX', String(exSeconds)] : ['-t', 'set']),
    ],
    { stdio: 'ignore' },
  );

export const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** A server process with its output collected (for the error when it dies). */
export function launch(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  return { child, log: () => log, exited: new Promise((r) => child.once('exit', r)) };
}

/** SIGTERM (a save on shutdown may take a while), SIGKILL after 2 minutes. */
export async function stop(s) {
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 120_000);
  await s.exited;
  clearTimeout(t);
}

/** Commands per second over the next `seconds`. */
export async function rate(port, seconds) {
  const c0 = commands(port);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  return (commands(port) - c0) / ((Date.now() - t0) / 1000);
}
