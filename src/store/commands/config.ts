// CONFIG GET/SET/RESETSTAT/REWRITE over config-params.ts (CONFIG HELP is the engine's).

import { CONFIG_BY_NAME, CONFIG_PARAMS, type ConfigParam } from '../config-params.js';
import { globMatch } from '../glob.js';
import { rewriteConfigFile } from '../conf-rewrite.js';
import type { JsCtx } from '../control.js';

export function configGet(c: JsCtx): void {
  const a = c.args;
  // Keyed by lower-case name: a parameter asked for twice (any case) is shown once, under the
  // name first matched (an exact name as the client spelled it), as Redis does.
  const found = new Map<string, [string, ConfigParam]>();
  for (let i = 2; i < a.argc; i++) {
    const pat = a.str(i);
    if (!/[[*?]/.test(pat)) {
      const p = CONFIG_BY_NAME.get(pat.toLowerCase());
      if (p !== undefined && !found.has(pat.toLowerCase())) found.set(pat.toLowerCase(), [pat, p]);
      continue;
    }
    for (const p of CONFIG_PARAMS) {
      if (p.hidden) continue; // only by its exact name
      for (const name of p.alias ? [p.name, p.alias] : [p.name]) {
        if (!found.has(name) && globMatch(pat, name, true)) found.set(name, [name, p]);
      }
    }
  }
  c.out.arrayHeader(found.size * 2);
  for (const [name, p] of found.values()) {
    c.out.bulkText(name);
    c.out.bulkText(p.get(c.host));
  }
}

/** Redis's islocalClient: a Unix socket or a loopback address. */
function isLocal(addr: string | undefined): boolean {
  if (addr === undefined) return false;
  return addr.startsWith('127.') || addr.startsWith('::1') || addr.startsWith('[::1]') || addr.startsWith('/');
}

/** enable-protected-configs allows this client to CONFIG SET dir and dbfilename. */
function protectedAllowed(c: JsCtx): boolean {
  const mode = CONFIG_BY_NAME.get('enable-protected-configs')?.get(c.host) ?? 'no';
  return mode === 'yes' || (mode === 'local' && isLocal(c.host.clients.get(c.slot)?.addr));
}

export function configSet(c: JsCtx): void {
  const a = c.args;
  if (a.argc % 2 === 1) return c.out.error('ERR syntax error');
  const seen = new Set<string>();
  const todo: [ConfigParam, string, string][] = [];
  // As Redis: the first problem found, in argument order, is the one reported.
  for (let i = 2; i < a.argc; i += 2) {
    const name = a.lower(i);
    const p = CONFIG_BY_NAME.get(name);
    if (p === undefined) return c.out.error(`ERR Unknown option or number of arguments for CONFIG SET - '${a.str(i)}'`);
    const refused =
      p.set === undefined
        ? "can't set immutable config"
        : p.protected && !protectedAllowed(c)
          ? "can't set protected config"
          : null;
    if (refused !== null)
      return c.out.error(`ERR CONFIG SET failed (possibly related to argument '${a.str(i)}') - ${refused}`);
    // An alias is a parameter of its own to this check (Redis registers it separately).
    if (seen.has(name))
      return c.out.error(`ERR CONFIG SET failed (possibly related to argument '${a.str(i)}') - duplicate parameter`);
    seen.add(name);
    todo.push([p, a.str(i + 1), name]);
  }
  // All or nothing, as Redis: every value is checked first, then applied in order; if applying
  // one fails, those already applied get their previous values back.
  for (const [p, v, name] of todo) {
    const why = p.validate?.(c.host, v) ?? null;
    if (why !== null) return c.out.error(failed(name, why));
  }
  const before = todo.map(([p]) => p.get(c.host));
  const paused = c.host.controller?.status === 'paused';
  const staticThreshold = c.host.staticThreshold;
  for (let k = 0; k < todo.length; k++) {
    const [p, v, name] = todo[k]!;
    const why = p.set!(c.host, v);
    if (why === null) continue;
    for (let j = k - 1; j >= 0; j--) todo[j]![0].set!(c.host, before[j]!);
    // Threshold and ratio settings pause or resume the controller: put that back too.
    c.host.staticThreshold = staticThreshold;
    if (paused) c.host.controller?.pause();
    else c.host.controller?.resume();
    return c.out.error(failed(name, why));
  }
  const who = `CONFIG SET from ${c.host.clients.get(c.slot)?.addr ?? 'an unknown client'}`;
  todo.forEach(([p], k) => c.host.changes(who, p.name, before[k]!, p.get(c.host)));
  c.out.ok();
}

const failed = (name: string, why: string): string =>
  `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;

export function configResetstat(c: JsCtx): void {
  c.host.engine.resetStats();
  c.host.outputLimitDisconnects = 0;
  c.out.ok();
}

export function configRewrite(c: JsCtx): void {
  const f = c.host.configFile;
  if (f === null) return c.out.error('ERR The server is running without a config file');
  const known = new Set(f.directives);
  const why = rewriteConfigFile(f.path, c.host, (name) => known.has(name));
  if (why !== null) return c.out.error(`ERR Rewriting config file: ${why}`);
  c.out.ok();
}
