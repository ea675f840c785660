// A TraceSink that records a running allocator's events. Handles are mapped to small sequential
// ids so the trace does not depend on the native handle encoding and fits a u32; a TIME record is
// written whenever the millisecond clock has moved, so the simulator can tick as the live timer did.

import type { Category, Handle, Tier, TraceSink } from '../types.js';
import { TraceWriter } from './writer.js';

export interface TraceRecorder extends TraceSink {
  /** The encoded trace so far. */
  finish(): Uint8Array;
  /** Records written (including TIME records). */
  readonly events: number;
  /** Write a phase marker (for example when the workload is known to change). */
  mark(phase: number): void;
}

export function createTraceRecorder(clock: () => number = () => performance.now()): TraceRecorder {
  const w = new TraceWriter();
  const ids = new Map<Handle, number>();
  let nextId = 1;
  const t0 = clock();
  let lastMs = 0;

  function stamp(): void {
    const ms = Math.floor(clock() - t0);
    if (ms > lastMs) {
      lastMs = ms;
      w.time(ms);
    }
  }
  function idFor(h: Handle): number {
    const id = nextId++;
    ids.set(h, id);
    return id;
  }

  return {
    onAlloc(handle: Handle, size: number, category: Category, forced: Tier | null, placed: Tier): void {
      stamp();
      w.alloc(idFor(handle), size, category, forced, placed);
    },
    onFree(handle: Handle): void {
      stamp();
      const id = ids.get(handle);
      if (id === undefined) return; // allocated before recording started
      ids.delete(handle);
      w.free(id);
    },
    onRealloc(oldHandle: Handle, newHandle: Handle, size: number, placed: Tier): void {
      stamp();
      const old = ids.get(oldHandle);
      ids.delete(oldHandle);
      if (old === undefined) {
        w.alloc(idFor(newHandle), size, 'other', null, placed);
        return;
      }
      w.realloc(old, idFor(newHandle), size, placed);
    },
    mark(phase: number): void {
      w.mark(phase);
    },
    finish: () => w.finish(),
    get events() {
      return w.events;
    },
  };
}
