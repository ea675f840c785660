// Redis's reply error texts, verbatim (checked against redis-server 7.0).

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const SYNTAX = 'ERR syntax error';
export const OVERFLOW = 'ERR increment or decrement would overflow';
export const NO_SUCH_KEY = 'ERR no such key';
export const STRING_TOO_BIG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const HASH_NOT_INTEGER = 'ERR hash value is not an integer';
export const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
export const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

export function wrongArity(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

export function invalidExpire(name: string): string {
  return `ERR invalid expire time in '${name}' command`;
}

export function unknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`;
}
