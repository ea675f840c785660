// redis.conf's grammar, as redis-server 7.0.15 reads it (config.c loadServerConfigFromString):
// one directive per line, `#` comments and blank lines skipped, arguments split as sdssplitargs
// splits them, `include FILE` (glob patterns too) read in place. What a directive means is the
// caller's (src/cli/commands/serve-conf.ts); errors carry Redis's fatal-error text.

import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TiermemError } from '../errors.js';
import { globMatch } from './glob.js';
import { REDIS_COMPAT_VERSION } from './commands/info.js';

/** One directive line: its name in lower case, its arguments, and where it was read. */
export interface Directive {
  readonly name: string;
  readonly args: readonly string[];
  /** The file it came from (null: the command line). */
  readonly file: string | null;
  /** 1-based, within that file (or among the command-line directives, as Redis counts them). */
  readonly line: number;
  /** The trimmed line, as the error shows it. */
  readonly text: string;
}

/** The redis.conf-style file a server started from: CONFIG REWRITE rewrites it. */
export interface ConfigFileRef {
  /** Absolute, as Redis keeps it (a later chdir does not move it). */
  readonly path: string;
  /** Directives valid in it besides the CONFIG parameters (tiermem serve's options): kept as
   *  they are by CONFIG REWRITE. */
  readonly directives: readonly string[];
}

/** A CONFIG parameter a config file (or a flag) sets at start-up, applied by the store. */
export interface StartupSetting {
  readonly name: string;
  readonly value: string;
  /** The words after the name, where they matter one by one (`user` lines: src/store/conf-users.ts). */
  readonly args?: readonly string[];
  readonly where: Pick<Directive, 'file' | 'line' | 'text'>;
}

/** A start-up configuration error, with redis-server's fatal text (the file named too). */
export class ConfFileError extends TiermemError {
  constructor(where: Pick<Directive, 'file' | 'line' | 'text'> | null, reason: string) {
    const at =
      where === null
        ? ''
        : `Reading the configuration file${where.file === null ? '' : ` ${where.file}`}, at line ${where.line}\n>>> '${where.text}'\n`;
    super('ERR_TIERMEM_INVALID_ARG', `*** FATAL CONFIG FILE ERROR (Redis ${REDIS_COMPAT_VERSION}) ***\n${at}${reason}`);
    this.name = 'ConfFileError';
  }
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /^[ \t\n\r\v\f]$/.test(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/**
 * Split a line into arguments as Redis's sdssplitargs: blanks separate, "double quotes" take
 * \n \r \t \b \a \xHH and \<c> escapes, 'single quotes' take \' only; a closing quote must be
 * followed by a blank or the end. null: unbalanced quotes. Strings hold one char per byte.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let p = 0;
  for (;;) {
    while (p < line.length && isSpace(line[p])) p++;
    if (p >= line.length) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    for (let done = false; !done;) {
      const c = line[p];
      if (inq) {
        if (c === '\\' && line[p + 1] === 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
          cur += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === '\\' && p + 1 < line.length) {
          p++;
          cur += ESCAPES[line[p]!] ?? line[p];
        } else if (c === '"') {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (c === undefined) {
          return null;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (c === '\\' && line[p + 1] === "'") {
          p++;
          cur += "'";
        } else if (c === "'") {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (c === undefined) {
          return null;
        } else {
          cur += c;
        }
      } else if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        done = true;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        cur += c;
      }
      if (p < line.length) p++;
    }
    out.push(cur);
  }
}

/** Quote a value as Redis's sdscatrepr does (CONFIG REWRITE writes strings this way). */
export function quoteArg(v: string): string {
  let s = '"';
  for (const ch of v) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') s += `\\${ch}`;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (ch === '\x07') s += '\\a';
    else if (ch === '\b') s += '\\b';
    else if (code >= 0x20 && code < 0x7f) s += ch;
    else for (const b of Buffer.from(ch, 'latin1')) s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s + '"';
}

/** Redis's rewriteConfigFormatMemory: the largest of gb, mb, kb that divides the value. */
export function formatMemory(value: number | bigint | string): string {
  // Exact beyond 2^53, and as a long long as Redis's rewriteConfigFormatMemory prints it
  // (maxmemory 2^64-1 is written -1).
  if (typeof value === 'string' && !/^-?\d+$/.test(value)) return value;
  const bytes = BigInt.asIntN(64, BigInt(value));
  const units: [bigint, string][] = [
    [1024n ** 3n, 'gb'],
    [1024n ** 2n, 'mb'],
    [1024n, 'kb'],
  ];
  for (const [n, u] of units) if (bytes !== 0n && bytes % n === 0n) return `${bytes / n}${u}`;
  return String(bytes);
}

/** Redis trims these from both ends of a line before anything else. */
export const trimLine = (l: string): string => l.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');

/** Include depth at which a cycle is assumed (Redis itself recurses without bound). */
const MAX_INCLUDE_DEPTH = 16;

/**
 * Parse configuration text into directives (include lines are expanded in place). `lineBase`:
 * lines before this text in the one text Redis parses (a file's, before stdin and the flags).
 */
export function parseConfText(text: string, file: string | null, depth = 0, lineBase = 0): Directive[] {
  const out: Directive[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = trimLine(lines[i]!);
    if (t === '' || t.startsWith('#')) continue;
    const where = { file, line: lineBase + i + 1, text: t };
    const argv = splitArgs(t);
    if (argv === null) throw new ConfFileError(where, 'Unbalanced quotes in configuration line');
    if (argv.length === 0) continue;
    const name = argv[0]!.toLowerCase();
    if (name === 'include' && argv.length === 2) {
      if (depth >= MAX_INCLUDE_DEPTH) throw new ConfFileError(where, 'include nested too deeply (a cycle?)');
      for (const f of expandInclude(argv[1]!, file)) out.push(...readConfFile(f, depth + 1));
      continue;
    }
    out.push({ name, args: argv.slice(1), ...where });
  }
  return out;
}

/**
 * Read a config file. A file that cannot be read stops start-up, as in Redis ("Fatal error,
 * can't open config file '...': <reason>").
 */
export function readConfFile(path: string, depth = 0): Directive[] {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (e) {
    throw new ConfFileError(null, `Fatal error, can't open config file '${path}': ${errnoText(e)}`);
  }
  return parseConfText(text, path, depth);
}

/** An include pattern with * ? [ matches files (in sorted order, as glob(3)); none is fine. */
function expandInclude(pattern: string, from: string | null): string[] {
  // A relative include is relative to the working directory, as in Redis.
  void from;
  if (!/[*?[]/.test(pattern)) return [pattern];
  const dir = dirname(pattern);
  const base = basename(pattern);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('.') && globMatch(base, n, false))
    .sort()
    .map((n) => join(dir, n));
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (e as Error).message;
}
