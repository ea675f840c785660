// A key-value workload that writes trace records: keys hold one value allocation (and optionally
// a forced metadata block); set, overwrite, delete; a TIME record every so many events.

import { TraceWriter } from './writer.js';
import type { Rng } from './random.js';

export interface WorkloadOptions {
  /** Events per millisecond of trace time (20 = 2000 per 100 ms tick). */
  eventsPerMs: number;
  /** Share of each value's bytes added as a metadata block forced to DRAM (0 = none). */
  forcedDramShare?: number;
  /** Overwrite with realloc (keeps the id) instead of free + alloc. */
  reallocOverwrite?: boolean;
}

export class KvWorkload {
  readonly w = new TraceWriter();
  private nextId = 1;
  private events = 0;
  private ms = 0;
  private readonly value = new Map<number, number>(); // key -> id
  private readonly meta = new Map<number, number>();
  private readonly keys: number[] = []; // live keys, for random choice
  private readonly where = new Map<number, number>(); // key -> index in keys
  opts: WorkloadOptions;

  constructor(
    private readonly rng: Rng,
    opts: WorkloadOptions,
  ) {
    this.opts = opts;
  }

  get liveKeys(): number {
    return this.keys.length;
  }

  private clock(): void {
    this.events++;
    const ms = Math.floor(this.events / this.opts.eventsPerMs);
    if (ms > this.ms) {
      this.ms = ms;
      this.w.time(ms);
    }
  }

  /** Set `key` to a value of `size` bytes: alloc if new, overwrite if present. */
  set(key: number, size: number): void {
    const old = this.value.get(key);
    if (old !== undefined && this.opts.reallocOverwrite) {
      const id = this.nextId++;
      this.w.realloc(old, id, size);
      this.value.set(key, id);
      this.clock();
      return;
    }
    if (old !== undefined) {
      this.w.free(old);
      this.clock();
    }
    const id = this.nextId++;
    this.w.alloc(id, size, 'data');
    this.value.set(key, id);
    this.clock();
    if (old === undefined) {
      this.where.set(key, this.keys.length);
      this.keys.push(key);
    }
    const fs = this.opts.forcedDramShare ?? 0;
    if (fs > 0) {
      const m = this.meta.get(key);
      if (m !== undefined) {
        this.w.free(m);
        this.clock();
      }
      const mid = this.nextId++;
      this.w.alloc(mid, Math.max(1, Math.round((size * fs) / (1 - fs))), 'metadata', 'dram');
      this.meta.set(key, mid);
      this.clock();
    }
  }

  delete(key: number): void {
    const id = this.value.get(key);
    if (id === undefined) return;
    this.w.free(id);
    this.value.delete(key);
    this.clock();
    const m = this.meta.get(key);
    if (m !== undefined) {
      this.w.free(m);
      this.meta.delete(key);
      this.clock();
    }
    const i = this.where.get(key)!;
    const lastKey = this.keys.pop()!;
    if (lastKey !== key) {
      this.keys[i] = lastKey;
      this.where.set(lastKey, i);
    }
    this.where.delete(key);
  }

  randomLiveKey(): number | undefined {
    return this.keys.length ? this.keys[this.rng.int(this.keys.length)] : undefined;
  }

  get time(): number {
    return this.ms;
  }
  get eventCount(): number {
    return this.events;
  }
}
