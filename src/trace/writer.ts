// Appends trace records to a growing buffer; shared by the live recorder and the generators.

import type { Category, Tier } from '../types.js';
import { TiermemError } from '../errors.js';
import {
  categoryCode,
  HEADER_SIZE,
  MAX_TRACE_SIZE,
  Op,
  RECORD_SIZE,
  tierCode,
  TRACE_MAGIC,
  TRACE_VERSION,
  type OpCode,
} from './format.js';

export class TraceWriter {
  private buf = new Uint8Array(HEADER_SIZE + RECORD_SIZE * 4096);
  private dv = new DataView(this.buf.buffer);
  private n = 0;

  get events(): number {
    return this.n;
  }

  private record(op: OpCode, cat: number, tiers: number, id: number, size: number, aux: number): void {
    if (!(size >= 0 && size <= MAX_TRACE_SIZE)) {
      throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `trace size ${size} outside [0, 2^40)`);
    }
    const o = HEADER_SIZE + this.n * RECORD_SIZE;
    if (o + RECORD_SIZE > this.buf.byteLength) {
      const bigger = new Uint8Array(this.buf.byteLength * 2);
      bigger.set(this.buf);
      this.buf = bigger;
      this.dv = new DataView(bigger.buffer);
    }
    const dv = this.dv;
    dv.setUint8(o, op);
    dv.setUint8(o + 1, cat);
    dv.setUint8(o + 2, tiers);
    dv.setUint8(o + 3, Math.floor(size / 2 ** 32));
    dv.setUint32(o + 4, id >>> 0, true);
    dv.setUint32(o + 8, size >>> 0, true);
    dv.setUint32(o + 12, aux >>> 0, true);
    this.n++;
  }

  alloc(
    id: number,
    size: number,
    category: Category = 'data',
    forced: Tier | null = null,
    placed: Tier | null = null,
  ): void {
    this.record(Op.alloc, categoryCode(category), tierCode(forced) | (tierCode(placed) << 2), id, size, 0);
  }
  free(id: number): void {
    this.record(Op.free, 0, 0, id, 0, 0);
  }
  realloc(oldId: number, newId: number, size: number, placed: Tier | null = null): void {
    this.record(Op.realloc, 0, tierCode(placed) << 2, oldId, size, newId);
  }
  time(ms: number): void {
    this.record(Op.time, 0, 0, 0, 0, Math.max(0, Math.floor(ms)));
  }
  target(share: number): void {
    this.record(Op.target, 0, 0, 0, 0, Math.round(Math.min(1, Math.max(0, share)) * 1e6));
  }
  mark(phase: number): void {
    this.record(Op.mark, 0, 0, 0, 0, phase);
  }

  /** The encoded trace (header + records), a copy; the writer can go on appending. */
  finish(): Uint8Array {
    const out = this.buf.slice(0, HEADER_SIZE + this.n * RECORD_SIZE);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, TRACE_MAGIC, true);
    dv.setUint16(4, TRACE_VERSION, true);
    dv.setUint16(6, RECORD_SIZE, true);
    dv.setUint32(8, this.n, true);
    dv.setUint32(12, 0, true);
    return out;
  }
}
