// `tiermem serve`'s command line, read as redis-server 7.0.15 reads its own (server.c main):
// an optional config file first, a lone `-` (first or last) for config from stdin, and every
// `--name` starting a directive whose arguments are all the words up to the next `--name`, so
// `--user alice on '>pw' -@all +get`, `--save ""` and `--list-max-listpack-size -3` work as in
// redis-server. The words become a redis.conf text appended after the file and stdin; what the
// directives mean is serve-conf.ts's, as for the file.

import { quoteArg, splitArgs } from '../store/conf-file.js';

/** One `--name args...` directive as given (args as typed, one char per byte). */
export interface ArgvDirective {
  readonly name: string;
  readonly args: readonly string[];
}

export interface ServeArgv {
  /** The first word, when it does not start with `-`: the config file (redis-server's rule). */
  readonly configFile: string | undefined;
  /** A lone `-` first or last: read configuration from stdin, after the file. */
  readonly stdin: boolean;
  /** `--help` or `-h`: show serve's help instead. */
  readonly help: boolean;
  /** The directives as redis.conf lines (arguments quoted as sdscatrepr quotes them). */
  readonly text: string;
  readonly directives: readonly ArgvDirective[];
}

/** tiermem's short options, spelled out before reading as Redis would. */
const SHORT: Readonly<Record<string, string>> = { '-p': '--port', '-c': '--config' };

/** Node decodes argv as UTF-8; configuration strings hold one char per byte (as read from a file). */
const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/**
 * Split serve's arguments. `switches` are the names of options that take no value (tiermem's
 * `--no-controller`, `--process-metrics`): like redis-server's `--sentinel`, one followed by
 * another `--name` (or last) is complete without an argument, and becomes `controller no` /
 * `process-metrics yes`.
 */
export function parseServeArgv(argv: readonly string[], switches: ReadonlySet<string>): ServeArgv {
  const words = argv.map(bytes);
  let j = 0;
  let configFile: string | undefined;
  if (words.length > 0 && !words[0]!.startsWith('-')) configFile = words[j++];
  let stdin = false;
  let help = false;
  const lines: { head: string; args: string[] }[] = [];
  // Redis's handled_last_config_arg: the last `--name` has had its argument (or needs none).
  let handled = true;
  for (; j < words.length; j++) {
    const w: string = handled && SHORT[words[j]!] !== undefined ? SHORT[words[j]!]! : words[j]!;
    const last = j === words.length - 1;
    if (w === '-' && (j === 0 || last)) {
      stdin = true;
    } else if (handled && (w === '--help' || w === '-h')) {
      help = true;
    } else if (handled && w.startsWith('--')) {
      const head = w.slice(2);
      lines.push({ head, args: [] });
      handled = (splitArgs(w) ?? []).length !== 1;
      const name = head.toLowerCase();
      const complete = !handled && (last || words[j + 1]!.startsWith('--'));
      if (complete && name === 'save') {
        // Redis: a bare `--save` (last, or before another `--name`) is `save ""`.
        lines[lines.length - 1]!.args.push('');
        handled = true;
      } else if (complete && switches.has(name)) {
        lines[lines.length - 1] = name.startsWith('no-')
          ? { head: head.slice(3), args: ['no'] }
          : { head, args: ['yes'] };
        handled = true;
      }
    } else {
      // An argument of the last directive (before any, it starts a line of its own, as in Redis).
      if (lines.length === 0) lines.push({ head: '', args: [] });
      lines[lines.length - 1]!.args.push(w);
      handled = true;
    }
  }
  // As Redis builds it: the name, a blank, then each argument quoted and followed by a blank.
  const text = lines.map((l) => `${l.head} ${l.args.map((a) => `${quoteArg(a)} `).join('')}`).join('\n');
  const directives = lines.map((l) => {
    const head = splitArgs(l.head) ?? [l.head];
    return { name: (head[0] ?? '').toLowerCase(), args: [...head.slice(1), ...l.args] };
  });
  return { configFile, stdin, help, text, directives };
}
