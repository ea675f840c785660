// Fast pipelined loader for the store benchmarks: writes exactly N distinct keys "key:%012d"
// (START .. START+N-1) with D-byte values ('x' * D) as RESP SET commands over TCP, and checks
// that every reply is +OK. Works against redis-server and the tiermem store alike.
//
//   node bench/store/load.mjs --port P [--host 127.0.0.1] [-n 1000000] [-d 8] [--start 0]
//        [--batch 1000] [--window 32] [--conns 1] [--stop-after-errors 0] [--progress]
//
// Commands go out in batches of --batch per socket write; at most --window batches per
// connection await replies (bounded memory on both ends, the socket never idles). --conns splits
// the key range into contiguous slices, one connection each. --stop-after-errors K stops sending
// new batches once K error replies came back (0: never), so a capacity failure ends the run early.
// Last stdout line: "load: ..." summary; with errors, "load: first error ...". Exit 1 on any error
// reply, an unexpected reply, a connection failure, or fewer than N +OK replies.
import net from 'node:net';

const opts = {
  host: '127.0.0.1',
  port: 0,
  n: 1_000_000,
  d: 8,
  start: 0,
  batch: 1000,
  window: 32,
  conns: 1,
  stopAfterErrors: 0,
  progress: false,
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = () => {
    const x = argv[++i];
    if (x === undefined) usage(`${a} needs a value`);
    return x;
  };
  const int = () => {
    const x = Number(v());
    if (!Number.isSafeInteger(x) || x < 0) usage(`${a}: not a non-negative integer`);
    return x;
  };
  if (a === '--host') opts.host = v();
  else if (a === '--port' || a === '-p') opts.port = int();
  else if (a === '-n') opts.n = int();
  else if (a === '-d') opts.d = int();
  else if (a === '--start') opts.start = int();
  else if (a === '--batch') opts.batch = Math.max(1, int());
  else if (a === '--window') opts.window = Math.max(1, int());
  else if (a === '--conns' || a === '-c') opts.conns = Math.max(1, int());
  else if (a === '--stop-after-errors') opts.stopAfterErrors = int();
  else if (a === '--progress') opts.progress = true;
  else usage(`unknown argument ${a}`);
}
if (!opts.port) usage('--port is required');
if (opts.start + opts.n > 1e12) usage('keys are key:%012d: start + n must stay below 1e12');

function usage(msg) {
  console.error(
    `load.mjs: ${msg}\nusage: node bench/store/load.mjs --port P [--host H] [-n N] [-d BYTES] [--start S] [--batch B] [--window W] [--conns C] [--stop-after-errors K] [--progress]`,
  );
  process.exit(2);
}

// One SET is fixed-size (the key is always 16 bytes), so a batch is a template copy plus the
// 12 key digits patched per command.
const value = 'x'.repeat(opts.d);
const cmd = Buffer.from(`*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000000\r\n$${opts.d}\r\n${value}\r\n`, 'latin1');
const CMD = cmd.length;
const DIGITS = cmd.indexOf('key:') + 4;
const template = Buffer.alloc(CMD * opts.batch);
for (let i = 0; i < opts.batch; i++) cmd.copy(template, i * CMD);

function makeBatch(first, count) {
  const b = Buffer.from(count === opts.batch ? template : template.subarray(0, count * CMD)); // a copy
  for (let i = 0; i < count; i++) {
    let k = first + i;
    const end = i * CMD + DIGITS + 12;
    for (let p = end - 1; p >= end - 12; p--) {
      b[p] = 48 + (k % 10);
      k = Math.floor(k / 10);
    }
  }
  return b;
}

const total = { ok: 0, errors: 0, unexpected: 0, sent: 0 };
let firstError = null; // { index, text }
let stopping = false;
const keyName = (k) => `key:${String(k).padStart(12, '0')}`;

function runConn(first, count) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: opts.host, port: opts.port });
    sock.setNoDelay(true);
    let next = first; // next key to send
    const end = first + count;
    let replied = 0; // replies received on this connection (in order: key first+replied)
    let sentHere = 0;
    // A reply line split across reads: its first byte (0 = none pending) and, for errors, text so far.
    let pendFirst = 0;
    let pendText = '';
    let done = false;

    const finish = (err) => {
      if (done) return;
      done = true;
      sock.destroy();
      if (err) reject(err);
      else resolve();
    };
    const pump = () => {
      while (!stopping && next < end && sentHere - replied < opts.window * opts.batch) {
        const c = Math.min(opts.batch, end - next);
        sock.write(makeBatch(next, c));
        next += c;
        sentHere += c;
        total.sent += c;
      }
      if (replied === sentHere && (next >= end || stopping)) finish();
    };
    const line = (firstByte, text) => {
      const idx = first + replied;
      replied++;
      if (firstByte === 0x2b /* + */ && text === 'OK') total.ok++;
      else {
        if (firstByte === 0x2d /* - */) total.errors++;
        else total.unexpected++;
        if (!firstError) firstError = { index: idx, text: String.fromCharCode(firstByte) + text };
        if (opts.stopAfterErrors && total.errors + total.unexpected >= opts.stopAfterErrors) stopping = true;
      }
    };
    sock.on('connect', pump);
    sock.on('data', (chunk) => {
      let pos = 0;
      const len = chunk.length;
      while (pos < len) {
        const nl = chunk.indexOf(10, pos);
        if (nl < 0) {
          if (!pendFirst) {
            pendFirst = chunk[pos];
            pendText = chunk.latin1Slice(pos + 1, len);
          } else pendText += chunk.latin1Slice(pos, len);
          break;
        }
        let fb, text;
        if (pendFirst) {
          fb = pendFirst;
          text = pendText + chunk.latin1Slice(pos, nl);
          pendFirst = 0;
          pendText = '';
        } else {
          fb = chunk[pos];
          // Fast path for "+OK\r\n", which is nearly every reply.
          if (fb === 0x2b && nl === pos + 4 && chunk[pos + 1] === 0x4f && chunk[pos + 2] === 0x4b) {
            replied++;
            total.ok++;
            pos = nl + 1;
            continue;
          }
          text = chunk.latin1Slice(pos + 1, nl);
        }
        if (text.endsWith('\r')) text = text.slice(0, -1);
        line(fb, text);
        pos = nl + 1;
      }
      pump();
    });
    sock.on('error', (e) =>
      finish(new Error(`connection to ${opts.host}:${opts.port}: ${e.message} after ${replied} replies`)),
    );
    sock.on('close', () => {
      if (!done)
        finish(
          new Error(
            `connection to ${opts.host}:${opts.port} closed by the server after ${replied} of ${sentHere} replies`,
          ),
        );
    });
  });
}

const t0 = process.hrtime.bigint();
let timer = null;
if (opts.progress) {
  timer = setInterval(() => {
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.error(
      `load: ${total.ok + total.errors + total.unexpected}/${opts.n} replies, ${total.errors + total.unexpected} errors, ${s.toFixed(0)} s, ${Math.round(total.ok / s)} keys/s`,
    );
  }, 5000);
  timer.unref();
}
const per = Math.ceil(opts.n / opts.conns);
const conns = [];
for (let c = 0; c < opts.conns; c++) {
  const first = opts.start + c * per;
  const count = Math.min(per, opts.start + opts.n - first);
  if (count > 0) conns.push(runConn(first, count));
}
let connErr = null;
for (const r of await Promise.allSettled(conns)) if (r.status === 'rejected' && !connErr) connErr = r.reason;
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
if (timer) clearInterval(timer);

const bad = total.errors + total.unexpected;
console.log(
  `load: ${opts.host}:${opts.port} ${opts.n} keys from ${keyName(opts.start)}, ${opts.d} B values, batch ${opts.batch}, window ${opts.window}, conns ${opts.conns}: ` +
    `${secs.toFixed(2)} s, ${Math.round(total.ok / secs)} keys/s, ok ${total.ok}, errors ${total.errors}, unexpected ${total.unexpected}` +
    (stopping ? `, stopped sending after ${total.sent} commands` : ''),
);
if (firstError)
  console.log(
    `load: first error at command ${firstError.index - opts.start} (key ${keyName(firstError.index)}): ${firstError.text}`,
  );
if (connErr) console.log(`load: ${connErr.message}`);
process.exit(bad || connErr || total.ok !== opts.n ? 1 : 0);
