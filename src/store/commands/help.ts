// HELP replies: an array of simple strings, as Redis's addReplyHelp.

import type { Ctx } from './context.js';

export function replyHelp(c: Ctx, container: string, lines: readonly string[]): void {
  c.out.arrayHeader(lines.length + 3);
  c.out.simple(`${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.out.simple(l);
  c.out.simple('HELP');
  c.out.simple('    Prints this help.');
}
