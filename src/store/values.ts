// Value bytes live in tiermem: zmalloc(size, 'data') routes them to DRAM or PMem by the threshold.
// A slot remembers the handle, the value length and (packed in `meta`) the allocation's usable
// size and tier, so freeing needs no native query and accounting stays exact.
//
// Because the tier is cached here, nothing may move a value's block behind its handle (the
// allocator's move()): the composition counters would keep it on the old tier. The store never
// calls move(); a value changes tier only by being re-allocated (free + zmalloc, zrealloc), which
// goes through unaccount()/account(). test/store.accounting.test.ts checks that.

import type { Allocator, Handle } from '../types.js';
import type { Composition } from './composition.js';
import type { CommandArgs } from './resp/args.js';

/** Where a value is: string entries, hash values and list elements all have this shape. */
export interface ValueSlot {
  /** tiermem handle, NO_HANDLE for the empty string (nothing allocated). */
  h: Handle;
  /** Length of the value in bytes (the allocation's usable size may be larger). */
  len: number;
  /** usable * 2 + tier (0 DRAM, 1 PMem). */
  meta: number;
}

export const NO_HANDLE = -1;

/** A hash value or list element. */
export class ValueRef implements ValueSlot {
  constructor(public h: Handle, public len: number, public meta: number) {}
}

export function usableOf(slot: ValueSlot): number {
  return Math.floor(slot.meta / 2);
}

export class ValueStore {
  constructor(readonly alloc: Allocator, private readonly comp: Composition) {}

  /** Allocate and fill a value of data type `type`; fills `slot`; returns its usable bytes. */
  fill(slot: ValueSlot, type: number, data: Uint8Array): number {
    const len = data.length;
    slot.len = len;
    if (len === 0) {
      slot.h = NO_HANDLE;
      slot.meta = 0;
      return 0;
    }
    // Allocate and copy in one native call; throws (ERR_TIERMEM_NO_MEMORY) with `slot` intact.
    return this.account(slot, type, this.alloc.zmallocFrom(data, 'data'));
  }

  /** A new list element or hash value. */
  make(type: number, data: Uint8Array): ValueRef {
    const r = new ValueRef(NO_HANDLE, 0, 0);
    this.fill(r, type, data);
    return r;
  }

  /**
   * A value for each argument from `first` on, every `step`-th: all or none. If an allocation
   * fails, those made so far are freed and the error is rethrown, so a command can allocate
   * before it changes anything and fail without a trace.
   */
  makeAll(args: CommandArgs, type: number, first: number, step: number): ValueRef[] {
    const refs: ValueRef[] = [];
    try {
      for (let i = first; i < args.argc; i += step) refs.push(this.make(type, args.bytes(i)));
    } catch (err) {
      this.releaseAll(refs, type);
      throw err;
    }
    return refs;
  }

  /** Record a fresh allocation `h` in `slot` and in the composition; returns its usable bytes. */
  account(slot: ValueSlot, type: number, h: Handle): number {
    const a = this.alloc;
    const usable = a.zmallocSize(h);
    const tier = a.tierOf(h) === 'dram' ? 0 : 1;
    slot.h = h;
    slot.meta = usable * 2 + tier;
    const i = type * 2 + tier;
    this.comp.bytes[i] = this.comp.bytes[i]! + usable;
    this.comp.allocations[i] = this.comp.allocations[i]! + 1;
    return usable;
  }

  /** Usable bytes of a slot's allocation (0 for the empty value). */
  usable(slot: ValueSlot): number {
    return Math.floor(slot.meta / 2);
  }

  /** Take `slot`'s allocation out of the composition (before a free or a realloc). */
  unaccount(slot: ValueSlot, type: number): number {
    if (slot.h === NO_HANDLE) return 0;
    const usable = Math.floor(slot.meta / 2);
    const i = type * 2 + (slot.meta & 1);
    this.comp.bytes[i] = this.comp.bytes[i]! - usable;
    this.comp.allocations[i] = this.comp.allocations[i]! - 1;
    return usable;
  }

  /** Free a slot's allocation; returns the usable bytes given back. */
  release(slot: ValueSlot, type: number): number {
    if (slot.h === NO_HANDLE) return 0;
    const usable = this.unaccount(slot, type);
    this.alloc.zfree(slot.h);
    slot.h = NO_HANDLE;
    slot.meta = 0;
    slot.len = 0;
    return usable;
  }

  /** Free many slots with one native call (deleting a collection). */
  releaseAll(slots: Iterable<ValueSlot>, type: number): number {
    const handles: number[] = [];
    let freed = 0;
    for (const s of slots) {
      if (s.h === NO_HANDLE) continue;
      freed += this.unaccount(s, type);
      handles.push(s.h);
    }
    if (handles.length > 0) this.alloc.zfreeBatch(handles);
    return freed;
  }

  /**
   * Resize a slot's allocation to `len` bytes keeping its contents (APPEND, SETRANGE). tiermem's
   * realloc re-routes when the size crosses the threshold. Returns the change in usable bytes.
   */
  resize(slot: ValueSlot, type: number, len: number): number {
    if (len === 0) return -this.release(slot, type);
    if (slot.h === NO_HANDLE) {
      const h = this.alloc.zmalloc(len, 'data');
      slot.len = len;
      return this.account(slot, type, h);
    }
    const h = this.alloc.zrealloc(slot.h, len); // throws with the slot intact
    const before = this.unaccount(slot, type);
    slot.len = len;
    return this.account(slot, type, h) - before;
  }

  read(slot: ValueSlot): Buffer {
    if (slot.len === 0) return EMPTY;
    return this.alloc.read(slot.h, 0, slot.len);
  }

  /** The value as a binary-safe string (hash/list values used as set members never need this). */
  readLatin1(slot: ValueSlot): string {
    return this.read(slot).toString('latin1');
  }
}

const EMPTY = Buffer.alloc(0);
