// The engine: keyspace, value store, composition counters, command table and dispatch. It knows
// nothing of sockets; server.ts feeds it parsed commands and ships the replies.

import type { Allocator, AllocatorInfo } from '../types.js';
import { isTiermemError } from '../errors.js';
import type { Client } from './client.js';
import { allCommands } from './commands/table.js';
import { Ctx } from './commands/context.js';
import { OOM, unknownSubcommand, wrongArity } from './commands/errors.js';
import type { CommandSpec } from './commands/spec.js';
import { Composition, type StoreComposition } from './composition.js';
import { ActiveExpiry } from './expiry.js';
import { Keyspace } from './keyspace.js';
import type { CommandArgs } from './resp/args.js';
import { ReplyWriter } from './resp/writer.js';
import type { TieringController } from './tiering.js';
import { ValueStore } from './values.js';

export interface StoreLimits {
  /** Largest bulk argument and string value (proto-max-bulk-len). */
  maxBulkLen: number;
  /** Unparsed input a client may hold before it is disconnected (client-query-buffer-limit). */
  maxQueryBuffer: number;
  /** Unsent output a client may hold before it is disconnected; 0 = no limit. */
  maxOutputBuffer: number;
}

export interface StoreStats {
  connections: number;
  rejectedConnections: number;
  commands: number;
  netInput: number;
  netOutput: number;
  /** Clients closed for exceeding the query or output buffer limit. */
  bufferLimitDisconnects: number;
}

export class StoreEngine {
  readonly comp = new Composition();
  readonly values: ValueStore;
  readonly ks: Keyspace;
  readonly expiry: ActiveExpiry;
  readonly out = new ReplyWriter();
  readonly ctx: Ctx;
  readonly clients = new Map<number, Client>();
  readonly startedAt = Date.now();
  readonly stats: StoreStats = {
    connections: 0, rejectedConnections: 0, commands: 0,
    netInput: 0, netOutput: 0, bufferLimitDisconnects: 0,
  };
  /** Live bytes the allocator held before the store started (the empty baseline). */
  readonly baselineBytes: number;
  peakBytes = 0;
  port = 0;
  /** True while CONFIG SET pmem-threshold has the controller paused (static threshold). */
  staticThreshold = false;
  readonly commands: readonly CommandSpec[] = allCommands;
  private readonly table = new Map<string, CommandSpec>();
  /**
   * Commands bucketed by name length and first letter (low 5 bits: case-insensitive), matched on
   * the argument's bytes: dispatch builds no name string and hashes nothing.
   */
  private readonly buckets: CommandSpec[][] = [];
  private cachedInfo: AllocatorInfo | null = null;

  constructor(
    readonly alloc: Allocator,
    readonly limits: StoreLimits,
    readonly controller: TieringController | null,
  ) {
    this.values = new ValueStore(alloc, this.comp);
    this.ks = new Keyspace(this.values, this.comp);
    this.expiry = new ActiveExpiry(this.ks);
    this.ctx = new Ctx(this, this.out, this.ks, this.values, alloc);
    for (const spec of allCommands) {
      // Both cases registered: redis-benchmark and most clients send upper or lower case names,
      // and an exact hit avoids a toLowerCase per command.
      this.table.set(spec.name, spec);
      this.table.set(spec.name.toUpperCase(), spec);
      const b = bucketOf(spec.name.length, spec.name.charCodeAt(0));
      (this.buckets[b] ??= []).push(spec);
    }
    const s = alloc.stats();
    this.baselineBytes = s.tiers.dram.liveBytes + s.tiers.pmem.liveBytes;
  }

  /** Backend description, read once (it looks at NUMA topology). */
  get allocatorInfo(): AllocatorInfo {
    this.cachedInfo ??= this.alloc.info();
    return this.cachedInfo;
  }

  lookup(name: string): CommandSpec | undefined {
    return this.table.get(name) ?? this.table.get(name.toLowerCase());
  }

  /** Run one command; its reply goes to this.out. */
  execute(client: Client, args: CommandArgs): void {
    const out = this.out;
    let spec = this.find(args);
    if (spec === undefined) {
      const name = args.str(0);
      spec = this.table.get(name.toLowerCase());
      if (spec === undefined) {
        let rest = '';
        for (let i = 1; i < args.argc && rest.length < 128; i++) rest += `'${args.str(i).slice(0, 128 - rest.length)}' `;
        this.errorReply(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${rest}`);
        return;
      }
    }
    if (spec.subcommands !== undefined && args.argc >= 2) {
      const sub = spec.subcommands.get(args.lower(1));
      if (sub === undefined) {
        this.errorReply(unknownSubcommand(args.str(1), spec.name));
        return;
      }
      spec = sub;
    }
    const arity = spec.arity;
    if ((arity > 0 && args.argc !== arity) || args.argc < -arity) {
      this.errorReply(wrongArity(spec.name));
      return;
    }
    this.stats.commands++;
    client.lastCommand = spec.name;
    const ctx = this.ctx;
    ctx.client = client;
    ctx.args = args;
    const mark = out.length;
    try {
      spec.handler(ctx);
    } catch (e) {
      out.truncate(mark); // drop a half-written reply
      if (isTiermemError(e) && e.code === 'ERR_TIERMEM_NO_MEMORY') this.errorReply(OOM);
      else this.errorReply(`ERR internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The command named by argument 0, matched case-insensitively on its bytes. */
  private find(args: CommandArgs): CommandSpec | undefined {
    const len = args.len(0);
    if (len === 0) return undefined;
    const list = this.buckets[bucketOf(len, args.buf[args.start[0]!]!)];
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (args.is(0, list[i]!.name)) return list[i];
    return undefined;
  }

  private errorReply(msg: string): void {
    this.out.error(msg);
  }

  /** Error replies sent so far (INFO stats total_error_replies). */
  get errorReplies(): number {
    return this.out.errors;
  }

  /** Live allocator bytes now (both tiers, every category). */
  usedBytes(): number {
    const s = this.alloc.stats();
    const used = s.tiers.dram.liveBytes + s.tiers.pmem.liveBytes;
    if (used > this.peakBytes) this.peakBytes = used;
    return used;
  }

  composition(): StoreComposition {
    let query = 0;
    let output = 0;
    for (const c of this.clients.values()) {
      query += c.parser.pendingBytes;
      output += c.socket.writableLength;
    }
    return this.comp.snapshot(this.ks.expiringCount, { query, output, clients: this.clients.size });
  }

  /** Every live value allocation (a walk, for tests and debugging only). */
  *valueHandles(): Generator<number> {
    for (const e of this.ks.all()) {
      if (e.coll === null) {
        if (e.h >= 0) yield e.h;
      } else if (e.coll instanceof Map) {
        for (const r of e.coll.values()) if (r.h >= 0) yield r.h;
      } else if (!(e.coll instanceof Set)) {
        const l = e.list;
        for (let i = 0; i < l.length; i++) if (l.at(i).h >= 0) yield l.at(i).h;
      }
    }
  }

  close(): void {
    this.expiry.stop();
    this.ks.flush();
  }
}

/** Bucket of a command name: its length (names are short) and first byte's low 5 bits. */
function bucketOf(len: number, firstByte: number): number {
  return (len < 64 ? len : 63) * 32 + (firstByte & 31);
}
