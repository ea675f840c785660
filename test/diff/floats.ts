// Differential rows for the float texts Redis parses with strtod/strtold: hexadecimal floats
// (0x1p3, -0x1.8p1, 0x.8), inf/infinity in any case, nan, leading/trailing blanks, incomplete
// exponents, overflow and underflow (ERANGE), subnormals. Where: INCRBYFLOAT and HINCRBYFLOAT
// (string2ld), ZADD/ZINCRBY scores and WEIGHTS (string2d), ZRANGEBYSCORE/ZCOUNT bounds
// (zslParseRange's bare strtod), blocking timeouts (strtold), SORT's scores; and the values
// test/diff/config.ts gives CONFIG SET latency-tracking-info-percentiles (string2d, in the
// control plane: src/store/strtod.ts).
import { b, key, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

const FLOATS = [
  '0x1p3',
  '0X10',
  '-0x1.8p1',
  '0x.8',
  '0x1.',
  '0xAbC.dEp-4',
  '0x1p-1074',
  '0x1p-1075',
  '0x1p-1080',
  '0x1.fffffffffffffp1023',
  '0x1.fffffffffffff8p1023',
  '0x1p1024',
  '0x',
  '0x1p',
  '0x1p+',
  '0xg',
  'inf',
  '-inf',
  '+inf',
  'Infinity',
  '-INFINITY',
  'infinit',
  'nan',
  'NaN',
  '-nan',
  ' 1',
  '1 ',
  '\t1',
  '',
  '+1',
  '-0',
  '1e',
  '1e+',
  '1e400',
  '-1e400',
  '1e-400',
  '4.9e-324',
  '2.5e-324',
  '1e-320',
  '.5',
  '5.',
  '.',
  '1.5e+3',
  '00012',
  '1.7976931348623157e308',
  '1.7976931348623159e308',
  '12345678901234567890123',
  '0.1',
  '3',
];
const float = (g: GenContext): Buffer => b(g.rng.pick(FLOATS));
/** CONFIG SET values for the special (multi-argument) parameters, latency-tracking-info-percentiles
 *  foremost (string2d per part; CONFIG SET splits on single spaces, so doubled and edge blanks
 *  count). CONFIG is kept out of the generated sequences; test/diff/config.ts sends these. */
export const FLOAT_CONFIG_CASES: readonly string[] = [
  ...FLOATS.filter((f) => f !== '' && !/[ \t]/.test(f)).map((f) => `${f} 50`),
  '50  99',
  ' 50',
  '50 ',
  '0 100 0x1.8p6',
  '100.0000001',
  '-0x1p-4',
  '99.99999999',
];

/** A blocking timeout that ends at once or is refused: never 0 or long (one connection), nor a
 *  tiny negative one (-0x1p-10 rounds to 0 ms: forever, in Redis too). */
const TIMEOUTS = ['0x1p-10', '0x1p-20', '1e-3', 'inf', '-inf', 'nan', '0x', ' 0.001', '0.001 ', '-0x1p1', '1e400'];

export const FLOAT_COMMANDS: CommandRow[] = [
  { name: 'INCRBYFLOAT', family: 'string', weight: 2, args: (g) => [key(g, 'string'), float(g)] },
  { name: 'HINCRBYFLOAT', family: 'hash', weight: 2, args: (g) => [key(g, 'hash'), b('f'), float(g)] },
  {
    name: 'ZADD',
    family: 'zset',
    weight: 2,
    keepArity: true,
    args: (g) => [key(g, 'zset'), ...(g.rng.chance(0.3) ? [word(g, 'INCR')] : []), float(g), b('m')],
  },
  { name: 'ZINCRBY', family: 'zset', weight: 1, args: (g) => [key(g, 'zset'), float(g), b('m')] },
  { name: 'ZCOUNT', family: 'zset', weight: 1, args: (g) => [key(g, 'zset'), float(g), float(g)] },
  {
    name: 'ZRANGEBYSCORE',
    family: 'zset',
    weight: 1,
    args: (g) => [key(g, 'zset'), Buffer.concat([b(g.rng.pick(['', '('])), float(g)]), float(g), word(g, 'WITHSCORES')],
  },
  {
    name: 'ZUNION',
    family: 'zset',
    weight: 1,
    keepArity: true,
    args: (g) => [b('1'), key(g, 'zset'), word(g, 'WEIGHTS'), float(g), word(g, 'WITHSCORES')],
  },
  {
    name: 'BZPOPMIN',
    family: 'zset',
    weight: 1,
    keepArity: true,
    args: (g) => [key(g, 'zset'), b(g.rng.pick(TIMEOUTS))],
  },
  {
    name: 'BLPOP',
    family: 'list',
    weight: 1,
    keepArity: true,
    args: (g) => [key(g, 'list'), b(g.rng.pick(TIMEOUTS))],
  },
  { name: 'RPUSH', family: 'list', weight: 1, args: (g) => [key(g, 'list'), float(g), float(g)] },
  { name: 'SORT', family: 'list', weight: 1, keepArity: true, args: (g) => [key(g, 'list')] },
];
