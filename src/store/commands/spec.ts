// The command table's shape. Handlers are plain top-level functions taking the shared context, so
// running a command allocates no closure.

import type { Ctx } from './context.js';

export type Handler = (c: Ctx) => void;

export interface CommandSpec {
  /** Lowercase name; subcommands are 'container|sub' as Redis names them in errors. */
  readonly name: string;
  /** Redis convention: n > 0 exactly n arguments (with the name), n < 0 at least -n. */
  readonly arity: number;
  readonly flags: readonly string[];
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  readonly handler: Handler;
  readonly subcommands?: ReadonlyMap<string, CommandSpec>;
}

/** The handler of a container command (CONFIG, MEMORY, CLIENT...): dispatch goes to its subcommands. */
export function container(): void {
  /* never runs as a command of its own */
}

/** Declare a command: keys is [first, last, step] as in COMMAND INFO. */
export function command(
  name: string,
  arity: number,
  flags: string,
  keys: readonly [number, number, number],
  handler: Handler,
  subcommands?: readonly CommandSpec[],
): CommandSpec {
  return {
    name,
    arity,
    flags: flags.split(' ').filter(Boolean),
    firstKey: keys[0],
    lastKey: keys[1],
    step: keys[2],
    handler,
    subcommands: subcommands ? new Map(subcommands.map((s) => [s.name.slice(s.name.indexOf('|') + 1), s])) : undefined,
  };
}

export const NO_KEYS = [0, 0, 0] as const;
export const ONE_KEY = [1, 1, 1] as const;
