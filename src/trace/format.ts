// The binary trace format (documented in docs/controller.md): a 16-byte header, then one
// fixed-size 16-byte little-endian record per event. Fixed records keep the encoder a few stores
// and let a reader index event i directly.
//
// header: 0 magic 'TMTR' | 4 u16 version | 6 u16 record size | 8 u32 record count | 12 u32 reserved
// record: 0 u8 op | 1 u8 category | 2 u8 tiers (bits 0-1 forced, 2-3 placed: 0 none, 1 dram,
//         2 pmem) | 3 u8 size bits 32-39 | 4 u32 id | 8 u32 size bits 0-31 | 12 u32 aux

import { CATEGORIES, type Category, type Tier } from '../types.js';
import { TiermemError } from '../errors.js';

export const TRACE_MAGIC = 0x52544d54; // 'TMTR' read as a little-endian u32
export const TRACE_VERSION = 1;
export const HEADER_SIZE = 16;
export const RECORD_SIZE = 16;
/** Largest size a record holds (40 bits). */
export const MAX_TRACE_SIZE = 2 ** 40 - 1;

export const Op = {
  /** id = new allocation, size = requested bytes, tiers = forced/placed. */
  alloc: 1,
  /** id = freed allocation. */
  free: 2,
  /** id = old allocation, aux = new id, size = new requested bytes, placed tier. */
  realloc: 3,
  /** aux = milliseconds since the trace started (the simulator's clock). */
  time: 4,
  /** aux = new target DRAM share in millionths (scenario traces; never recorded live). */
  target: 5,
  /** aux = phase number: the workload changed here (scenario traces, or a user mark). */
  mark: 6,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

export function tierCode(t: Tier | null): number {
  return t === 'dram' ? 1 : t === 'pmem' ? 2 : 0;
}
export function tierOfCode(c: number): Tier | null {
  return c === 1 ? 'dram' : c === 2 ? 'pmem' : null;
}
export function categoryCode(c: Category): number {
  const i = CATEGORIES.indexOf(c);
  return i < 0 ? CATEGORIES.length - 1 : i;
}

/** A decoded trace, column by column (one typed array per field, index = event number). */
export interface Trace {
  readonly version: number;
  readonly length: number;
  readonly op: Uint8Array;
  readonly category: Uint8Array;
  readonly forced: Uint8Array;
  readonly placed: Uint8Array;
  readonly id: Uint32Array;
  readonly size: Float64Array;
  readonly aux: Uint32Array;
}

function invalid(msg: string): never {
  throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `not a tiermem trace: ${msg}`);
}

/** Decode and validate a trace. Throws ERR_TIERMEM_INVALID_ARG on a bad header or length. */
export function decodeTrace(buf: Uint8Array): Trace {
  if (buf.byteLength < HEADER_SIZE) invalid('shorter than the header');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint32(0, true) !== TRACE_MAGIC) invalid('bad magic');
  const version = dv.getUint16(4, true);
  if (version !== TRACE_VERSION) invalid(`unsupported version ${version}`);
  const rs = dv.getUint16(6, true);
  if (rs < RECORD_SIZE) invalid(`record size ${rs} below ${RECORD_SIZE}`);
  const n = Math.floor((buf.byteLength - HEADER_SIZE) / rs);
  const declared = dv.getUint32(8, true);
  if (declared !== n || (buf.byteLength - HEADER_SIZE) % rs !== 0)
    invalid(`header says ${declared} records, body holds ${n}`);
  const t = {
    version,
    length: n,
    op: new Uint8Array(n),
    category: new Uint8Array(n),
    forced: new Uint8Array(n),
    placed: new Uint8Array(n),
    id: new Uint32Array(n),
    size: new Float64Array(n),
    aux: new Uint32Array(n),
  };
  for (let i = 0, o = HEADER_SIZE; i < n; i++, o += rs) {
    const op = dv.getUint8(o);
    if (op < Op.alloc || op > Op.mark) invalid(`record ${i} has unknown op ${op}`);
    t.op[i] = op;
    t.category[i] = Math.min(dv.getUint8(o + 1), CATEGORIES.length - 1);
    const tiers = dv.getUint8(o + 2);
    t.forced[i] = tiers & 3;
    t.placed[i] = (tiers >> 2) & 3;
    t.size[i] = dv.getUint8(o + 3) * 2 ** 32 + dv.getUint32(o + 8, true);
    t.id[i] = dv.getUint32(o + 4, true);
    t.aux[i] = dv.getUint32(o + 12, true);
  }
  return t;
}
