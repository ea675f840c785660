// What a command handler sees: the parsed arguments, the reply writer, the calling client and
// the engine. One instance, reused for every command.

import type { Allocator } from '../../types.js';
import type { Client } from '../client.js';
import type { StoreEngine } from '../engine.js';
import type { Keyspace } from '../keyspace.js';
import type { CommandArgs } from '../resp/args.js';
import type { ReplyWriter } from '../resp/writer.js';
import type { ValueStore } from '../values.js';
import { parseInt64, toNumber, type Int64 } from '../numbers.js';
import { NOT_INTEGER } from './errors.js';

export class Ctx {
  args!: CommandArgs;
  client!: Client;

  constructor(
    readonly engine: StoreEngine,
    readonly out: ReplyWriter,
    readonly ks: Keyspace,
    readonly values: ValueStore,
    readonly alloc: Allocator,
  ) {}

  /** Argument i as an int64 (exact), or null after replying the integer error. */
  int64(i: number, err = NOT_INTEGER): Int64 | null {
    const a = this.args;
    const v = parseInt64(a.buf, a.start[i]!, a.end[i]!);
    if (v === null) this.out.error(err);
    return v;
  }

  /** Argument i as a number (exact below 2^53), or null after replying the integer error. */
  int(i: number, err = NOT_INTEGER): number | null {
    const v = this.int64(i, err);
    return v === null ? null : toNumber(v);
  }
}
