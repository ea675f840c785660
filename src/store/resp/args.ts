// A view over one parsed command: argument i is bytes [start[i], end[i]) of `buf`. Handlers read
// only what they need, so a GET costs one key string and no per-argument Buffer objects.

/** Node's Buffer has these fast paths (no encoding dispatch); @types/node does not declare them. */
interface Latin1Fast {
  latin1Slice(start: number, end: number): string;
}

export class CommandArgs {
  buf: Buffer = Buffer.alloc(0);
  argc = 0;
  readonly start: number[] = [];
  readonly end: number[] = [];

  /** Argument i as a binary-safe string (one char per byte): the form keys take in the keyspace. */
  str(i: number): string {
    return (this.buf as unknown as Latin1Fast).latin1Slice(this.start[i]!, this.end[i]!);
  }

  /** Argument i as a view into the query buffer; valid only until the handler returns. */
  bytes(i: number): Buffer {
    return this.buf.subarray(this.start[i]!, this.end[i]!);
  }

  len(i: number): number {
    return this.end[i]! - this.start[i]!;
  }

  /** Case-insensitive equality with a lowercase ASCII word, without building a string. */
  is(i: number, lower: string): boolean {
    const s = this.start[i]!;
    const n = this.end[i]! - s;
    if (n !== lower.length) return false;
    const b = this.buf;
    for (let k = 0; k < n; k++) {
      let c = b[s + k]!;
      if (c >= 65 && c <= 90) c += 32;
      if (c !== lower.charCodeAt(k)) return false;
    }
    return true;
  }

  /** Argument i lowercased (for option and subcommand names). */
  lower(i: number): string {
    return this.str(i).toLowerCase();
  }
}
