// Generates native/store/command_meta.c from redis-server 7.0.15's own COMMAND INFO and
// COMMAND DOCS: per command and subcommand, the parts of those replies the command table does not
// hold (COMMAND INFO's tips and key specs; COMMAND DOCS's fields after complexity: doc_flags,
// deprecated_since, replaced_by, history, arguments), kept as the RESP2 bytes Redis sends.
//   node scripts/gen-command-meta.mjs        (needs redis-server 7.0.x on the PATH)
// Rerun it after adding commands: test/store.command-meta.test.ts compares every command's
// COMMAND INFO and COMMAND DOCS with redis-server's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const OUT = new URL('../native/store/command_meta.c', import.meta.url);

/** End offset of the RESP2 value starting at pos, or -1 if incomplete. */
function skip(buf, pos) {
  const eol = buf.indexOf('\r\n', pos, 'latin1');
  if (eol < 0) return -1;
  const type = String.fromCharCode(buf[pos]);
  const n = Number(buf.toString('latin1', pos + 1, eol));
  if (type === '+' || type === '-' || type === ':') return eol + 2;
  if (type === '$') return n < 0 ? eol + 2 : eol + 2 + n + 2 <= buf.length ? eol + 2 + n + 2 : -1;
  if (type === '*') {
    let p = eol + 2;
    for (let i = 0; i < n; i++) {
      p = skip(buf, p);
      if (p < 0) return -1;
    }
    return p;
  }
  throw new Error(`unexpected RESP type ${type}`);
}

/** The items of the array at pos: [start, end) offsets. */
function items(buf, pos) {
  const eol = buf.indexOf('\r\n', pos, 'latin1');
  const n = Number(buf.toString('latin1', pos + 1, eol));
  const out = [];
  let p = eol + 2;
  for (let i = 0; i < n; i++) {
    const end = skip(buf, p);
    out.push([p, end]);
    p = end;
  }
  return out;
}

const bulk = (buf, [s]) => {
  const eol = buf.indexOf('\r\n', s, 'latin1');
  const n = Number(buf.toString('latin1', s + 1, eol));
  return buf.toString('latin1', eol + 2, eol + 2 + n);
};

function call(sock, args) {
  return new Promise((resolve, reject) => {
    let acc = Buffer.alloc(0);
    const onData = (d) => {
      acc = Buffer.concat([acc, d]);
      if (skip(acc, 0) === acc.length) {
        sock.off('data', onData);
        resolve(acc);
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
    sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

/** A C string literal for bytes, split into lines; octal escapes so no digit merges. */
function cString(bytes) {
  let out = '"';
  let line = 0;
  for (const b of bytes) {
    let piece;
    if (b === 0x0d) piece = '\\r';
    else if (b === 0x0a) piece = '\\n';
    else if (b === 0x22) piece = '\\"';
    else if (b === 0x5c) piece = '\\\\';
    else if (b === 0x3f)
      piece = '\\?'; // no trigraphs
    else if (b < 0x20 || b >= 0x7f) piece = `\\${b.toString(8).padStart(3, '0')}`;
    else piece = String.fromCharCode(b);
    out += piece;
    line += piece.length;
    if (b === 0x0a && line > 80) {
      out += '"\n    "';
      line = 0;
    }
  }
  return `${out}"`;
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gen-meta-'));
  const socket = path.join(dir, 'redis.sock');
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  try {
    let sock;
    for (let i = 0; i < 100 && !sock; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sock = await new Promise((resolve) => {
        const s = net.connect(socket, () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
    }
    if (!sock) throw new Error('redis-server did not start');
    const version = (await call(sock, ['INFO', 'server'])).toString('latin1');
    if (!/redis_version:7\.0\./.test(version)) throw new Error('redis-server 7.0.x is required');
    const info = await call(sock, ['COMMAND', 'INFO']);
    const docs = await call(sock, ['COMMAND', 'DOCS']);
    const meta = new Map(); // name -> { tips, specs, extra: [start,end) pairs, nextra }
    const addInfo = (range) => {
      const [name, , , , , , , tips, specs, subs] = items(info, range[0]);
      meta.set(bulk(info, name), { tips: info.subarray(...tips), specs: info.subarray(...specs) });
      for (const sub of items(info, subs[0])) addInfo(sub);
    };
    for (const cmd of items(info, 0)) addInfo(cmd);
    const addDocs = (nameRange, mapRange) => {
      const name = bulk(docs, nameRange);
      const fields = items(docs, mapRange[0]);
      const extra = [];
      let nextra = 0;
      for (let i = 0; i < fields.length; i += 2) {
        const key = bulk(docs, fields[i]);
        if (key === 'subcommands') {
          const subs = items(docs, fields[i + 1][0]);
          for (let j = 0; j < subs.length; j += 2) addDocs(subs[j], subs[j + 1]);
          continue;
        }
        if (['summary', 'since', 'group', 'complexity'].includes(key)) continue;
        extra.push(docs.subarray(fields[i][0], fields[i + 1][1]));
        nextra++;
      }
      const m = meta.get(name);
      if (!m) throw new Error(`${name} has docs but no info`);
      m.docs = Buffer.concat(extra);
      m.ndocs = nextra;
    };
    const top = items(docs, 0);
    for (let i = 0; i < top.length; i += 2) addDocs(top[i], top[i + 1]);
    sock.destroy();

    const names = [...meta.keys()].sort();
    let c = `/* command_meta.c - GENERATED by scripts/gen-command-meta.mjs from redis-server 7.0.15's
 * COMMAND INFO and COMMAND DOCS; do not edit. Per command: the RESP2 bytes of its tips and key
 * specs, and of its docs fields after "complexity" (doc_flags, deprecated_since, replaced_by,
 * history, arguments), with how many fields those are. ${names.length} commands. */
/* clang-format off */
#include "command_meta.h"

static const st_cmd_meta metas[] = {
`;
    for (const n of names) {
      const m = meta.get(n);
      c += `  { ${cString(Buffer.from(n))},\n    ${cString(m.tips)},\n    ${cString(m.specs)},\n    ${m.ndocs ?? 0}, ${cString(m.docs ?? Buffer.alloc(0))} },\n`;
    }
    c += `};

const st_cmd_meta *cmd_meta_find(const char *name) {
  size_t lo = 0, hi = sizeof metas / sizeof metas[0];
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int d = strcmp(metas[mid].name, name);
    if (d == 0) return &metas[mid];
    if (d < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}
/* clang-format on */
`;
    writeFileSync(OUT, c);
    console.log(`wrote ${OUT.pathname}: ${names.length} commands`);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
