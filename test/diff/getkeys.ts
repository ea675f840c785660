// Argument vectors for COMMAND GETKEYS / GETKEYSANDFLAGS, generated from a command's own COMMAND
// DOCS argument tree (the command table's metadata): tokens, optional parts, repeated parts,
// oneofs and blocks, keys with names that say where they came from, a numkeys that usually
// matches the keys that follow and sometimes does not, and words Redis's getkeys procedures look
// for (STORE, GET, LIMIT, BY, SET, OVERFLOW) in places where they are values. A share of the
// vectors is then broken (an argument dropped, one added, a keyword inserted).
import type { Rng } from './prng.js';
import type { RespValue } from './resp.js';

export interface DocArg {
  name: string;
  type: string;
  token?: string;
  optional: boolean;
  multiple: boolean;
  args: DocArg[];
}

const items = (v: RespValue | undefined): RespValue[] => (v && v.kind === 'array' && v.items ? v.items : []);
const text = (v: RespValue | undefined): string =>
  !v ? '' : v.kind === 'bulk' ? (v.data?.toString('latin1') ?? '') : v.kind === 'array' ? '' : v.text;

/** A COMMAND DOCS map's "arguments" list as DocArgs. */
export function parseDocArgs(list: RespValue | undefined): DocArg[] {
  return items(list).map((entry) => {
    const f = items(entry);
    const field = new Map<string, RespValue>();
    for (let i = 0; i + 1 < f.length; i += 2) field.set(text(f[i]), f[i + 1] as RespValue);
    const flags = items(field.get('flags')).map(text);
    const token = field.get('token');
    return {
      name: text(field.get('name')),
      type: text(field.get('type')),
      ...(token ? { token: text(token) } : {}),
      optional: flags.includes('optional'),
      multiple: flags.includes('multiple'),
      args: parseDocArgs(field.get('arguments')),
    };
  });
}

/** The arguments of a COMMAND DOCS reply for one command: [name, map] -> its argument tree. */
export function docArgsOf(docsReply: RespValue): DocArg[] {
  const m = items(items(docsReply)[1]);
  for (let i = 0; i + 1 < m.length; i += 2) if (text(m[i]) === 'arguments') return parseDocArgs(m[i + 1]);
  return [];
}

// Words the getkeys procedures of SORT, SET and BITFIELD react to, and the spec keywords.
const KEYWORDS = ['STORE', 'store', 'GET', 'get', 'LIMIT', 'BY', 'SET', 'INCRBY', 'OVERFLOW', 'GET\0x', 'sToRe'];
// numkeys as Redis reads it twice: string2ll for the specs, atoi() in the procedures.
const ODD_NUMBERS = ['0', '-1', 'abc', '2x', ' 2', '+2', '02', '4294967297', '2147483647', '99999999999999999999'];
const NUMBERS = ['0', '1', '2', '3', '-1', '10', 'abc', '1.5'];

function casing(g: Rng, word: string): string {
  return g.chance(0.5) ? word.toLowerCase() : g.chance(0.5) ? word.toUpperCase() : word;
}

class VectorGen {
  private keyNo = 0;
  private pendingKeys: number | null = null;

  constructor(private readonly g: Rng) {}

  private value(arg: DocArg): string[] {
    const g = this.g;
    if (arg.type === 'key') return [`${arg.name}:${++this.keyNo}`];
    if (arg.type === 'pure-token') return [];
    if (arg.type === 'integer' && arg.name === 'numkeys') {
      const count = g.int(1, 4);
      this.pendingKeys = count;
      return [
        g.chance(0.75) ? String(count) : g.chance(0.5) ? String(count + g.pick([-1, 1, 2])) : g.pick(ODD_NUMBERS),
      ];
    }
    if (g.chance(0.1)) return [g.pick(KEYWORDS)];
    if (arg.type === 'integer' || arg.type === 'double' || arg.type === 'unix-time') return [g.pick(NUMBERS)];
    return [g.pick(['v', 'x', '#', '*', '0', 'nosort', 'u8', 'i5'])];
  }

  private one(arg: DocArg): string[] {
    const out: string[] = arg.token ? [casing(this.g, arg.token)] : [];
    if (arg.type === 'oneof') out.push(...this.one(this.g.pick(arg.args)));
    else if (arg.type === 'block') for (const a of arg.args) out.push(...this.arg(a));
    else out.push(...this.value(arg));
    return out;
  }

  arg(arg: DocArg): string[] {
    const g = this.g;
    if (arg.optional && g.chance(0.5)) return [];
    if (!arg.multiple) return this.one(arg);
    let n = g.int(1, 3);
    if (arg.type === 'key' && this.pendingKeys !== null) {
      n = this.pendingKeys;
      this.pendingKeys = null;
    }
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(...this.one(arg));
    return out;
  }
}

/** One argument vector (after the command's name words) for a command with this argument tree. */
export function generateVector(g: Rng, args: readonly DocArg[]): string[] {
  const gen = new VectorGen(g);
  const out: string[] = [];
  for (const a of args) out.push(...gen.arg(a));
  const r = g.next();
  if (r < 0.1 && out.length > 0) out.pop();
  else if (r < 0.2) out.push(g.pick([...KEYWORDS, 'extra']));
  else if (r < 0.3) out.splice(g.int(0, out.length), 0, g.pick(KEYWORDS));
  return out;
}

/** The words that name a table row ("object|encoding" -> OBJECT ENCODING), in random case. */
export function nameWords(g: Rng, name: string): string[] {
  return name.split('|').map((w) => casing(g, w));
}
