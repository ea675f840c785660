// Fuzz case generators for the running store: random argument vectors over its own command table,
// truncated, garbage, huge and inline frames, bad multibulk lengths, and pathological glob
// patterns. Everything is drawn from one seeded Rng, so a failing case replays from its seed.
import { encodeCommand } from '../diff/resp.js';
import type { Rng } from '../diff/prng.js';

export interface FuzzCase {
  kind: string;
  /** Written in order, as separate writes (the server sees partial frames). */
  writes: Buffer[];
  /** Complete replies to wait for before checking the server (a protocol error counts as one). */
  replies: number;
  /** How long to wait for them: a blocking command or a frame still missing bytes times out. */
  waitMs: number;
  /** The connection is left in a state later cases should not inherit (closed after the case). */
  discard: boolean;
  /** A short printable description for failure reports. */
  label: string;
}

/** Commands the fuzzer never sends: they act on other clients or the whole server by design
 * (the invariant checked is that other clients' data and connections are unaffected). */
export const EXCLUDED = new Set([
  'flushall',
  'swapdb',
  'select',
  'shutdown',
  'config|set',
  'config|rewrite',
  'acl|setuser',
  'acl|deluser',
  'client|kill',
  'client|pause',
  'debug',
]);

/** Commands after which the connection is in a mode that changes what a reply is. */
const STICKY = new Set(['monitor', 'subscribe', 'psubscribe', 'client|reply', 'quit', 'hello']);

/** Keys the fuzzer's commands work on (db 0); setup() gives them data of every type. */
export const KEYS = Array.from({ length: 13 }, (_, i) => `fz:${i}`);

const NUMBERS = [
  '0',
  '1',
  '-1',
  '2',
  '3',
  '10',
  '100',
  '-100',
  '1.5',
  '-0.5',
  '1e3',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '18446744073709551616',
  '4294967296',
  '2147483647',
  '-2147483648',
  'inf',
  '-inf',
  '+inf',
  'nan',
  '(1',
  '[a',
  '(a',
  '-',
  '+',
  '',
  '0x10',
  ' 1',
  '1 ',
  '01',
  '1e400',
  '-1e400',
];

/** Patterns whose naive backtracking explodes (CVE-2022-36021's class) or that probe the parser. */
export const GLOBS = [
  'a*'.repeat(10) + 'b',
  'a*'.repeat(20) + 'b',
  'a*'.repeat(60) + 'b',
  '*a'.repeat(20) + '*b',
  '*?'.repeat(20) + 'X',
  '?*'.repeat(40) + 'Z',
  '*'.repeat(2000) + 'b',
  '*[a-z]'.repeat(30) + 'b',
  '*\\a'.repeat(30) + 'b',
  '[',
  '[^',
  '[a-',
  '\\',
  'a[',
  '[]]*',
  '[z-a]*',
  '*' + '['.repeat(50),
  '?'.repeat(1000),
  'a'.repeat(65_000) + '*',
];

/** Subject strings the patterns above fail on slowly: long runs of 'a'. */
export const SUBJECT = 'a'.repeat(40);
const LONG_SUBJECT = 'a'.repeat(300);

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Commands that (re)create the fuzz keys: strings, small and big lists, hashes, sets, zsets. */
export function setup(): Buffer[][] {
  const out: string[][] = [
    ['DEL', ...KEYS],
    ['SET', 'fz:0', 'hello'],
    ['SET', 'fz:1', '12345'],
    ['RPUSH', 'fz:2', 'a', 'b', 'c', '1', '2'],
    ['RPUSH', 'fz:3', ...Array.from({ length: 300 }, (_, i) => `item-${i}`)],
    ['HSET', 'fz:4', 'f1', 'v1', 'f2', '2', SUBJECT, 'x'],
    ['HSET', 'fz:5', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
    ['SADD', 'fz:6', '1', '2', '3', '100'],
    ['SADD', 'fz:7', 'a', 'b', SUBJECT, ...Array.from({ length: 200 }, (_, i) => `m${i}`)],
    ['ZADD', 'fz:8', '1', 'a', '2', 'b', '3', SUBJECT],
    ['ZADD', 'fz:9', ...Array.from({ length: 300 }, (_, i) => [String(i / 3), `z${i}`]).flat()],
    ['SET', 'fz:10', SUBJECT],
    ['SETBIT', 'fz:11', '1000', '1'],
    ['SET', SUBJECT, '1'],
    ['SET', LONG_SUBJECT, '1'],
    ['EXPIRE', 'fz:1', '100000'],
  ];
  return out.map((a) => a.map(b));
}

/** Every "token" in COMMAND DOCS argument trees: the option words a command accepts. */
export function collectTokens(docs: unknown, into: Set<string>): void {
  if (!Array.isArray(docs)) return;
  for (let i = 0; i < docs.length; i++) {
    const v: unknown = docs[i];
    if (v === 'token' && typeof docs[i + 1] === 'string') into.add(docs[i + 1] as string);
    else collectTokens(v, into);
  }
}

export interface CommandInfo {
  /** 'set', or 'config|get' for a subcommand. */
  name: string;
  tokens: string[];
}

function randomBytes(rng: Rng, max: number): Buffer {
  return rng.bytes(rng.int(0, max));
}

function randomArg(rng: Rng, cmd: CommandInfo, allTokens: readonly string[]): Buffer {
  const r = rng.next();
  if (r < 0.35) return b(rng.pick(KEYS));
  if (r < 0.55 && cmd.tokens.length > 0) return b(rng.pick(cmd.tokens));
  if (r < 0.72) return b(rng.pick(NUMBERS));
  if (r < 0.77) return b(rng.pick(GLOBS));
  if (r < 0.8) return b(rng.pick(allTokens));
  if (r < 0.81) return Buffer.alloc(rng.int(1, 1 << 20), 'x');
  if (r < 0.85) return b(SUBJECT);
  return randomBytes(rng, 24);
}

/** One command with random arguments: the name, a subcommand for containers, 0-8 arguments
 * (sometimes up to 40). */
export function argvCase(rng: Rng, commands: readonly CommandInfo[], allTokens: readonly string[]): FuzzCase {
  const cmd = rng.pick(commands);
  const argv: Buffer[] = cmd.name.split('|').map((p) => b(rng.chance(0.5) ? p.toUpperCase() : p));
  const n = rng.chance(0.1) ? rng.int(0, 40) : rng.int(0, 8);
  for (let i = 0; i < n; i++) argv.push(randomArg(rng, cmd, allTokens));
  const frame = encodeCommand(argv);
  return {
    kind: 'argv',
    writes: [frame],
    replies: 1,
    waitMs: 250,
    discard: STICKY.has(cmd.name),
    label: argv.map((a) => (a.length > 40 ? `<${a.length} bytes>` : JSON.stringify(a.toString('latin1')))).join(' '),
  };
}

/** A valid frame cut short, then the connection dropped: the server must free the partial request. */
export function truncatedCase(rng: Rng, commands: readonly CommandInfo[], allTokens: readonly string[]): FuzzCase {
  const whole = argvCase(rng, commands, allTokens).writes[0] ?? Buffer.alloc(0);
  const cut = rng.int(1, Math.max(1, whole.length - 1));
  const writes = [whole.subarray(0, cut)];
  return { kind: 'truncated', writes, replies: 0, waitMs: 5, discard: true, label: `first ${cut} of ${whole.length}` };
}

/** Random bytes, often shaped like the start of a request. */
export function garbageCase(rng: Rng): FuzzCase {
  const heads = ['*', '$', '*1\r\n', '*2\r\n$', '*1\r\n$4\r\n', '"', "'", ' ', '\r\n', ''];
  const body = rng.bytes(rng.int(0, 300));
  const frame = Buffer.concat([b(rng.pick(heads)), body]);
  return {
    kind: 'garbage',
    writes: [frame],
    replies: 1,
    waitMs: 30,
    discard: true,
    label: frame.toString('hex').slice(0, 80),
  };
}

/** Inline commands with quoting, escapes and stray bytes. */
export function inlineCase(rng: Rng): FuzzCase {
  const words = [
    'PING',
    'ECHO',
    'SET',
    'GET',
    'fz:0',
    'x',
    '"a b"',
    "'c d'",
    '"\\x41\\n"',
    "'it\\'s'",
    '"\\',
    '""',
    "''",
  ];
  const line: string[] = [rng.pick(['PING', 'ECHO', 'GET', 'SET', 'EXISTS', 'STRLEN'])];
  for (let i = rng.int(0, 6); i > 0; i--) line.push(rng.pick(words));
  const sep = rng.pick([' ', '  ', '\t', ' \v ']);
  const end = rng.pick(['\r\n', '\n', '\r\n', '\n\n']);
  const text = line.join(sep) + end;
  return { kind: 'inline', writes: [b(text)], replies: 1, waitMs: 100, discard: true, label: JSON.stringify(text) };
}

/** "*N" headers that disagree with the arguments that follow, or are not numbers at all. */
export function multibulkCase(rng: Rng): FuzzCase {
  const counts = ['0', '1', '2', '3', '-1', '-0', '+2', '02', '2147483647', '2147483648', '99999999999', '', 'x'];
  const lens = ['4', '3', '5', '0', '-1', '-0', '04', '+4', '536870912', '536870913', '', 'x'];
  const parts = [`*${rng.pick(counts)}\r\n`];
  for (let i = rng.int(0, 3); i > 0; i--)
    parts.push(`$${rng.pick(lens)}\r\n`, rng.pick(['PING', 'ECHO', 'abc', '']), '\r\n');
  const text = parts.join('');
  return { kind: 'multibulk', writes: [b(text)], replies: 1, waitMs: 30, discard: true, label: JSON.stringify(text) };
}

/** Big inputs: values near the bulk limit, huge argument counts, requests declared huge and
 * never finished. */
export function hugeCase(rng: Rng): FuzzCase {
  const variant = rng.int(0, 5);
  const mk = (label: string, writes: Buffer[], replies: number, waitMs: number, discard = true): FuzzCase => ({
    kind: 'huge',
    writes,
    replies,
    waitMs,
    discard,
    label,
  });
  switch (variant) {
    case 0: {
      const n = rng.int(1, 8) << 20;
      return mk(`SET of ${n} bytes`, [encodeCommand([b('SET'), b('fz:big'), Buffer.alloc(n, 'v')])], 1, 5000, false);
    }
    case 1: {
      const n = rng.int(10_000, 150_000);
      const argv = [b(rng.pick(['RPUSH', 'SADD', 'DEL', 'EXISTS', 'MGET'])), b('fz:many')];
      for (let i = 0; i < n; i++) argv.push(b(String(i)));
      return mk(`${argv[0]?.toString()} with ${n} arguments`, [encodeCommand(argv)], 1, 5000, false);
    }
    case 2: {
      const len = rng.pick([536_870_912, 100_000_000, 1 << 24]);
      return mk(
        `bulk declared ${len}, 1 MiB sent`,
        [b(`*2\r\n$3\r\nGET\r\n$${len}\r\n`), Buffer.alloc(1 << 20, 'p')],
        0,
        20,
      );
    }
    case 3:
      return mk(`*2147483647 then 3 arguments`, [b('*2147483647\r\n$4\r\nPING\r\n$1\r\na\r\n$1\r\nb\r\n')], 0, 5);
    case 4: {
      const words = Array.from({ length: 6000 }, (_, i) => `w${i}`).join(' ');
      return mk('inline line of 6000 words', [b(`EXISTS ${words}\r\n`)], 1, 2000);
    }
    default:
      return mk('70 KB inline line without LF', [Buffer.alloc(70_000, 'i')], 1, 1000);
  }
}

/** Pathological patterns wherever the store matches one. */
export function globCases(): FuzzCase[] {
  const out: FuzzCase[] = [];
  const add = (kind: string, argv: string[][], replies = argv.length, discard = false): void => {
    out.push({
      kind,
      writes: [Buffer.concat(argv.map((a) => encodeCommand(a.map(b))))],
      replies,
      waitMs: 5000,
      discard,
      label: argv.map((a) => a.join(' ').slice(0, 60)).join('; '),
    });
  };
  for (const p of GLOBS) {
    add('glob', [['KEYS', p]]);
    add('glob', [['SCAN', '0', 'MATCH', p, 'COUNT', '1000']]);
    add('glob', [['HSCAN', 'fz:4', '0', 'MATCH', p]]);
    add('glob', [['SSCAN', 'fz:7', '0', 'MATCH', p, 'COUNT', '1000']]);
    add('glob', [['ZSCAN', 'fz:8', '0', 'MATCH', p]]);
    add('glob', [['CONFIG', 'GET', p]]);
    add('glob', [['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', p]]);
    add('glob', [['PUBSUB', 'CHANNELS', p]]);
    add('glob', [
      ['ACL', 'SETUSER', 'fuzz', 'reset', 'on', 'nopass', `~${p}`, '+@all'],
      ['ACL', 'DRYRUN', 'fuzz', 'GET', SUBJECT],
      ['ACL', 'DRYRUN', 'fuzz', 'GET', LONG_SUBJECT],
    ]);
    // The driver publishes to SUBJECT from another connection while this one is subscribed.
    add('psubscribe', [['PSUBSCRIBE', p]], 1, true);
  }
  return out;
}

/** The PUBLISH that makes every pathological PSUBSCRIBE pattern be matched. */
export function publishToSubjects(): Buffer {
  return Buffer.concat([
    encodeCommand([b('PUBLISH'), b(SUBJECT), b('m')]),
    encodeCommand([b('PUBLISH'), b(LONG_SUBJECT), b('m')]),
  ]);
}

/** Malformed frames sent to both servers: each must be answered and closed (or not) alike. */
export function protocolFrames(rng: Rng, n: number): Buffer[] {
  const fixed = [
    '*-0\r\nPING\r\n',
    '*1\r\n$-0\r\n\r\n',
    '*01\r\n$4\r\nPING\r\n',
    '*+1\r\n$4\r\nPING\r\n',
    '*1\r\n$+4\r\nPING\r\n',
    '*1\r\n$04\r\nPING\r\n',
    '*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n',
    '*1 \r\n$4\r\nPING\r\n',
    '* 1\r\n$4\r\nPING\r\n',
    '*\r\n',
    '*1\r\n$\r\n\r\n',
    '*1\r\n$-1\r\n',
    '*-1\r\nPING\r\n',
    '*0\r\nPING\r\n',
    '*1\r\n$4\r\nPING\r\n*x\r\n',
    '*2\r\n$4\r\nECHO\r\n$-5\r\nhello\r\n',
    '*2147483648\r\n',
    '*9223372036854775808\r\n',
    '*-9223372036854775809\r\n',
    '*1\r\n$9223372036854775807\r\n',
    '*1\r\n#4\r\nPING\r\n',
    '*1\r\n\r\n',
    '*1\r\n*1\r\n$4\r\nPING\r\n',
    '"PING\r\n',
    'ECHO "a"b\r\n',
    "ECHO 'a\r\n",
    'ECHO "\\x4g"\r\n',
    'PING\x00\r\nPING\r\n',
    '*1\x00\r\n$4\r\nPING\r\n',
    '\r\n\r\nPING\r\n',
    '$4\r\nPING\r\n',
    ':1\r\n',
  ].map((s) => b(s));
  const counts = [
    '-0',
    '01',
    '+1',
    ' 1',
    '1 ',
    '0x1',
    '',
    '-1',
    '-2',
    '1a',
    '2147483648',
    '9223372036854775808',
    '1\t',
    '00',
  ];
  const lens = ['-0', '04', '+4', ' 4', '4 ', '0x4', '', '-1', '-2', '4a', '536870913', '18446744073709551620', '00'];
  const out = [...fixed];
  while (out.length < n) {
    const form = rng.int(0, 3);
    if (form === 0) out.push(b(`*${rng.pick(counts)}\r\n$4\r\nPING\r\n`));
    else if (form === 1) out.push(b(`*1\r\n$${rng.pick(lens)}\r\nPING\r\n`));
    else if (form === 2) out.push(Buffer.concat([b('*1\r\n'), Buffer.from([rng.int(1, 255)]), b('4\r\nPING\r\n')]));
    else out.push(b(`*2\r\n$4\r\nECHO\r\n$${rng.pick(lens)}\r\n${'e'.repeat(rng.int(0, 6))}\r\n`));
  }
  return out;
}
