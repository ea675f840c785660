// Seeded command sequences from the table: pick a row by weight, build its arguments, sometimes
// break its arity, randomise the name's case. Same seed, same sequence (EXAT/PXAT values are
// offsets from the clock, so only their absolute numbers vary between runs).
import { value, word, type GenContext } from './args.js';
import { COMMANDS, type CommandRow } from './commands.js';
import type { ReplyKind } from './compare.js';
import { isExcluded } from './differences.js';
import { Rng } from './prng.js';

export interface GeneratedCommand {
  /** Position in the sequence: what a mismatch report names. */
  index: number;
  args: Buffer[];
  reply: ReplyKind;
  /** Sent right after `args`, compared exactly. */
  followUps: Buffer[][];
}

const ARITY_TRUNCATE = 0.04;
const ARITY_EXTEND = 0.03;

export class Generator {
  private readonly rng: Rng;
  private index = 0;

  constructor(
    seed: number,
    private readonly rows: readonly CommandRow[] = COMMANDS,
  ) {
    this.rng = new Rng(seed);
  }

  next(nowMs = Date.now()): GeneratedCommand {
    const g: GenContext = { rng: this.rng, nowMs };
    for (;;) {
      const row = this.rng.weighted(this.rows, (r) => r.weight);
      const args = [word(g, row.name), ...this.mutateArity(g, row.args(g), row.keepArity ?? false)];
      if (isExcluded(args)) continue;
      return { index: this.index++, args, reply: row.reply ?? 'exact', followUps: row.followUps?.(args) ?? [] };
    }
  }

  /** Missing and extra arguments: the arity check and each parser's end-of-arguments handling. */
  private mutateArity(g: GenContext, args: Buffer[], keepArity: boolean): Buffer[] {
    if (keepArity) return args;
    if (args.length > 0 && this.rng.chance(ARITY_TRUNCATE)) return args.slice(0, this.rng.int(0, args.length - 1));
    if (this.rng.chance(ARITY_EXTEND)) return [...args, value(g), ...(this.rng.chance(0.3) ? [value(g)] : [])];
    return args;
  }
}
