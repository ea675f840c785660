// CONFIG GET/SET/RESETSTAT/REWRITE over config-params.ts (CONFIG HELP is the engine's).

import { CONFIG_BY_NAME, CONFIG_PARAMS, type ConfigParam } from '../config-params.js';
import { globMatch } from '../glob.js';
import { rewriteConfigFile } from '../conf-rewrite.js';
import type { JsCtx } from '../control.js';

export function configGet(c: JsCtx): void {
  const a = c.args;
  const found = new Set<ConfigParam>();
  for (let i = 2; i < a.argc; i++) {
    const pat = a.lower(i);
    for (const p of CONFIG_PARAMS) if (globMatch(pat, p.name, true)) found.add(p);
  }
  c.out.arrayHeader(found.size * 2);
  for (const p of found) {
    c.out.bulkText(p.name);
    c.out.bulkText(p.get(c.host));
  }
}

export function configSet(c: JsCtx): void {
  const a = c.args;
  if (a.argc % 2 === 1) return c.out.error('ERR syntax error');
  const seen = new Set<string>();
  const todo: [ConfigParam, string][] = [];
  for (let i = 2; i < a.argc; i += 2) {
    const name = a.lower(i);
    const p = CONFIG_BY_NAME.get(name);
    if (p === undefined) return c.out.error(`ERR Unknown option or number of arguments for CONFIG SET - '${a.str(i)}'`);
    if (seen.has(name))
      return c.out.error(`ERR CONFIG SET failed (possibly related to argument '${a.str(i)}') - duplicate parameter`);
    if (p.set === undefined)
      return c.out.error(
        `ERR CONFIG SET failed (possibly related to argument '${a.str(i)}') - can't set immutable config`,
      );
    seen.add(name);
    todo.push([p, a.str(i + 1)]);
  }
  // All or nothing, as Redis: every value is checked first, then applied in order; if applying
  // one fails, those already applied get their previous values back.
  for (const [p, v] of todo) {
    const why = p.validate?.(c.host, v) ?? null;
    if (why !== null) return c.out.error(failed(p, why));
  }
  const before = todo.map(([p]) => p.get(c.host));
  const paused = c.host.controller?.status === 'paused';
  const staticThreshold = c.host.staticThreshold;
  for (let k = 0; k < todo.length; k++) {
    const [p, v] = todo[k]!;
    const why = p.set!(c.host, v);
    if (why === null) continue;
    for (let j = k - 1; j >= 0; j--) todo[j]![0].set!(c.host, before[j]!);
    // Threshold and ratio settings pause or resume the controller: put that back too.
    c.host.staticThreshold = staticThreshold;
    if (paused) c.host.controller?.pause();
    else c.host.controller?.resume();
    return c.out.error(failed(p, why));
  }
  const who = `CONFIG SET from ${c.host.clients.get(c.slot)?.addr ?? 'an unknown client'}`;
  todo.forEach(([p], k) => c.host.changes(who, p.name, before[k]!, p.get(c.host)));
  c.out.ok();
}

const failed = (p: ConfigParam, why: string): string =>
  `ERR CONFIG SET failed (possibly related to argument '${p.name}') - ${why}`;

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
