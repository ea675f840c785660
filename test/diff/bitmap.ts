// Differential rows for the bitmap commands (SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
// BITFIELD_RO), over the string keys so that ints, binary values and wrong types meet them.
// Offsets stay small (strings of a few hundred bytes) except for the out-of-range edges.
import { b, int, key, keys, repeat, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

const OFFSET_EDGES = ['-1', 'abc', '', '4294967296', '4294967295x', '#3', '1.5', '+1', '9223372036854775807'];

const bitOffset = (g: GenContext): Buffer =>
  g.rng.chance(0.15) ? b(g.rng.pick(OFFSET_EDGES)) : b(String(g.rng.int(0, 300)));

const range = (g: GenContext): Buffer[] => {
  const r = g.rng.next();
  if (r < 0.3) return [];
  const ends = [int(g, -40, 40, 0.1), int(g, -40, 40, 0.1)];
  if (r < 0.6) return ends;
  if (r < 0.7) return [ends[0]!];
  return [...ends, word(g, g.rng.pick(['BIT', 'BYTE', 'BIT', 'BYTE', 'BOGUS']))];
};

const FIELD_TYPES = ['u1', 'u8', 'i8', 'i16', 'u16', 'i5', 'u63', 'i64', 'u64', 'i65', 'i0', 'x8', 'U8', '8', 'i'];

function fieldOffset(g: GenContext): Buffer {
  const r = g.rng.next();
  if (r < 0.25) return b(`#${g.rng.int(0, 20)}`);
  if (r < 0.35) return b(g.rng.pick(['#-1', '#', '#a', '-1', 'a', '##1', '4294967296']));
  return b(String(g.rng.int(0, 200)));
}

function bitfieldOps(g: GenContext, readOnly: boolean): Buffer[] {
  return repeat(g, readOnly ? 1 : 0, 4, () => {
    const type = b(g.rng.chance(0.8) ? g.rng.pick(FIELD_TYPES.slice(0, 8)) : g.rng.pick(FIELD_TYPES));
    const r = g.rng.next();
    if (readOnly && r < 0.85) return [word(g, 'GET'), type, fieldOffset(g)];
    if (r < 0.35) return [word(g, 'GET'), type, fieldOffset(g)];
    if (r < 0.6) return [word(g, 'SET'), type, fieldOffset(g), int(g, -300, 300, 0.3)];
    if (r < 0.85) return [word(g, 'INCRBY'), type, fieldOffset(g), int(g, -300, 300, 0.3)];
    if (r < 0.95) return [word(g, 'OVERFLOW'), word(g, g.rng.pick(['WRAP', 'SAT', 'FAIL', 'FAIL', 'BOGUS']))];
    return [word(g, g.rng.pick(['GET', 'SET', 'BOGUS', 'OVERFLOW']))];
  });
}

export const BITMAP_COMMANDS: readonly CommandRow[] = [
  {
    name: 'SETBIT',
    family: 'string',
    weight: 4,
    args: (g) => [key(g, 'string'), bitOffset(g), b(g.rng.pick(['0', '1', '1', '0', '2', '-1', 'a', '01', '']))],
  },
  { name: 'GETBIT', family: 'string', weight: 3, args: (g) => [key(g, 'string'), bitOffset(g)] },
  { name: 'BITCOUNT', family: 'string', weight: 3, args: (g) => [key(g, 'string'), ...range(g)] },
  {
    name: 'BITPOS',
    family: 'string',
    weight: 3,
    args: (g) => [key(g, 'string'), b(g.rng.pick(['0', '1', '0', '1', '2', 'a'])), ...range(g)],
  },
  {
    name: 'BITOP',
    family: 'string',
    weight: 2,
    args: (g) => [
      word(g, g.rng.pick(['AND', 'OR', 'XOR', 'NOT', 'NOT', 'NAND'])),
      key(g, 'string'),
      ...keys(g, 1, g.rng.chance(0.5) ? 1 : 3, 'string'),
    ],
  },
  { name: 'BITFIELD', family: 'string', weight: 4, args: (g) => [key(g, 'string'), ...bitfieldOps(g, false)] },
  { name: 'BITFIELD_RO', family: 'string', weight: 2, args: (g) => [key(g, 'string'), ...bitfieldOps(g, true)] },
];
