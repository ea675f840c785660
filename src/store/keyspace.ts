// The keyspace (db 0). Keys and per-key metadata are JS objects, so they live in DRAM (V8's heap),
// as TieredMemDB keeps keys and the main dict on DRAM; value bytes are in tiermem (values.ts).
//
// Besides the Map, every entry sits in a dense array (`slots`) for O(1) RANDOMKEY and for SCAN,
// and keys with a TTL in a second dense array (`expiring`) that the active expiry cycle samples
// at random, like Redis's expires dict. Removal is swap-with-last, O(1).

import type { Composition } from './composition.js';
import { Deque } from './data/deque.js';
import { HASH, LIST, SET, STRING } from './data/types.js';
import { NO_HANDLE, type ValueRef, type ValueSlot, type ValueStore } from './values.js';

export type Collection = Deque<ValueRef> | Map<string, ValueRef> | Set<string>;

export class Entry implements ValueSlot {
  /** String value (type STRING). */
  h = NO_HANDLE;
  len = 0;
  meta = 0;
  /** List, hash or set value. */
  coll: Collection | null = null;
  /** Usable tiermem bytes held by this key's values (MEMORY USAGE in O(1)). */
  bytes = 0;
  /** Bytes of the key, hash fields or set members held in the JS index. */
  indexBytes: number;
  /** Absolute expiry in ms since the epoch; 0 means none. */
  expireAt = 0;
  slot = -1;
  expSlot = -1;

  constructor(readonly key: string, readonly type: number) {
    this.indexBytes = key.length;
  }

  get list(): Deque<ValueRef> {
    return this.coll as Deque<ValueRef>;
  }

  get hash(): Map<string, ValueRef> {
    return this.coll as Map<string, ValueRef>;
  }

  get set(): Set<string> {
    return this.coll as Set<string>;
  }
}

export class Keyspace {
  private readonly map = new Map<string, Entry>();
  private readonly slots: Entry[] = [];
  private readonly expiring: Entry[] = [];
  expiredKeys = 0;
  hits = 0;
  misses = 0;

  constructor(readonly values: ValueStore, private readonly comp: Composition) {}

  get size(): number {
    return this.map.size;
  }

  get expiringCount(): number {
    return this.expiring.length;
  }

  /** The live entry for key, expiring it first if its time has come. */
  get(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e !== undefined && e.expireAt !== 0 && e.expireAt <= Date.now()) {
      this.expire(e);
      return undefined;
    }
    return e;
  }

  /** get() for read commands: counts keyspace hits and misses for INFO stats. */
  read(key: string): Entry | undefined {
    const e = this.get(key);
    if (e === undefined) this.misses++;
    else this.hits++;
    return e;
  }

  /** Add a new, empty key; the caller checked it does not exist. */
  create(key: string, type: number): Entry {
    const e = new Entry(key, type);
    if (type === LIST) e.coll = new Deque<ValueRef>();
    else if (type === HASH) e.coll = new Map<string, ValueRef>();
    else if (type === SET) e.coll = new Set<string>();
    this.map.set(key, e);
    e.slot = this.slots.length;
    this.slots.push(e);
    this.comp.keys[type] = this.comp.keys[type]! + 1;
    this.comp.indexBytes[type] = this.comp.indexBytes[type]! + e.indexBytes;
    return e;
  }

  /** Account bytes added to (or, negative, taken from) an entry's values. */
  grew(e: Entry, usableDelta: number, indexDelta: number): void {
    e.bytes += usableDelta;
    if (indexDelta !== 0) {
      e.indexBytes += indexDelta;
      this.comp.indexBytes[e.type] = this.comp.indexBytes[e.type]! + indexDelta;
    }
  }

  /** Delete a key and give its value bytes back to their tiers at once. */
  remove(e: Entry): void {
    this.map.delete(e.key);
    this.unslot(e);
    if (e.expSlot >= 0) this.unexpire(e);
    this.freeValues(e);
    this.comp.keys[e.type] = this.comp.keys[e.type]! - 1;
    this.comp.indexBytes[e.type] = this.comp.indexBytes[e.type]! - e.indexBytes;
  }

  private freeValues(e: Entry): void {
    const v = this.values;
    switch (e.type) {
      case STRING:
        v.release(e, STRING);
        break;
      case LIST: {
        const l = e.list;
        const refs: ValueRef[] = new Array<ValueRef>(l.length);
        for (let i = 0; i < l.length; i++) refs[i] = l.at(i);
        v.releaseAll(refs, LIST);
        break;
      }
      case HASH:
        v.releaseAll(e.hash.values(), HASH);
        break;
      default:
        break; // set members are index strings only
    }
    e.bytes = 0;
    e.coll = null;
  }

  private unslot(e: Entry): void {
    const last = this.slots.pop()!;
    if (last !== e) {
      this.slots[e.slot] = last;
      last.slot = e.slot;
    }
    e.slot = -1;
  }

  /** Set an absolute expiry time (ms). */
  setExpire(e: Entry, at: number): void {
    if (e.expSlot < 0) {
      e.expSlot = this.expiring.length;
      this.expiring.push(e);
    }
    e.expireAt = at;
  }

  /** Remove the TTL; true if there was one. */
  persist(e: Entry): boolean {
    if (e.expSlot < 0) return false;
    this.unexpire(e);
    return true;
  }

  private unexpire(e: Entry): void {
    const last = this.expiring.pop()!;
    if (last !== e) {
      this.expiring[e.expSlot] = last;
      last.expSlot = e.expSlot;
    }
    e.expSlot = -1;
    e.expireAt = 0;
  }

  /** Delete an entry whose TTL passed. */
  expire(e: Entry): void {
    this.remove(e);
    this.expiredKeys++;
  }

  /** Move an entry to a new key name (RENAME); the caller removed any entry at `to`. */
  rename(e: Entry, to: string): Entry {
    const n = new Entry(to, e.type);
    n.h = e.h;
    n.len = e.len;
    n.meta = e.meta;
    n.coll = e.coll;
    n.bytes = e.bytes;
    n.indexBytes = e.indexBytes - e.key.length + to.length;
    const at = e.expireAt;
    // Detach e without freeing the values it handed over.
    this.map.delete(e.key);
    this.unslot(e);
    if (e.expSlot >= 0) this.unexpire(e);
    this.comp.indexBytes[e.type] = this.comp.indexBytes[e.type]! - e.key.length + to.length;
    this.map.set(to, n);
    n.slot = this.slots.length;
    this.slots.push(n);
    if (at !== 0) this.setExpire(n, at);
    e.h = NO_HANDLE;
    e.coll = null;
    return n;
  }

  /** Free everything (FLUSHDB/FLUSHALL). */
  flush(): void {
    for (let i = this.slots.length - 1; i >= 0; i--) this.freeValues(this.slots[i]!);
    this.map.clear();
    this.slots.length = 0;
    this.expiring.length = 0;
    this.comp.reset();
  }

  /** A uniformly random live key, or undefined when empty. */
  randomEntry(): Entry | undefined {
    for (let tries = 0; tries < 100 && this.slots.length > 0; tries++) {
      const e = this.slots[Math.floor(Math.random() * this.slots.length)]!;
      if (e.expireAt !== 0 && e.expireAt <= Date.now()) {
        this.expire(e);
        continue;
      }
      return e;
    }
    return undefined;
  }

  /**
   * SCAN step. Walks `slots` downwards: swap-removal only moves the last (already visited or
   * about to be visited) entry into a lower slot, so every key present for the whole scan is
   * returned, as SCAN guarantees; keys added meanwhile land above the cursor and may be missed.
   * Cursor 0 starts; the returned cursor is 0 when done.
   */
  scan(cursor: number, count: number, visit: (e: Entry) => void): number {
    let pos = cursor === 0 ? this.slots.length - 1 : Math.min(cursor - 1, this.slots.length - 1);
    for (let n = 0; n < count && pos >= 0; n++, pos--) visit(this.slots[pos]!);
    return pos < 0 ? 0 : pos + 1;
  }

  /** Every entry (KEYS); expired ones are skipped by the caller. */
  all(): readonly Entry[] {
    return this.slots;
  }

  /** Active expiry: sample up to `n` keys with a TTL, delete the expired; returns how many. */
  sampleExpired(n: number, now: number): number {
    let expired = 0;
    for (let i = 0; i < n && this.expiring.length > 0; i++) {
      const e = this.expiring[Math.floor(Math.random() * this.expiring.length)]!;
      if (e.expireAt <= now) {
        this.expire(e);
        expired++;
      }
    }
    return expired;
  }
}
