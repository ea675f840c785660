// CONFIG GET/SET/RESETSTAT/REWRITE/HELP over config-params.ts.

import { CONFIG_BY_NAME, CONFIG_PARAMS, type ConfigParam } from '../config-params.js';
import { globMatch } from '../glob.js';
import type { Ctx } from './context.js';
import { wrongArity } from './errors.js';
import { replyHelp } from './help.js';
import { command, NO_KEYS, type CommandSpec, container } from './spec.js';

function configGet(c: Ctx): void {
  const a = c.args;
  const found = new Set<ConfigParam>();
  for (let i = 2; i < a.argc; i++) {
    const pat = a.lower(i);
    for (const p of CONFIG_PARAMS) if (globMatch(pat, p.name, true)) found.add(p);
  }
  c.out.arrayHeader(found.size * 2);
  for (const p of found) {
    c.out.bulkText(p.name);
    c.out.bulkText(p.get(c.engine));
  }
}

function configSet(c: Ctx): void {
  const a = c.args;
  if (a.argc % 2 === 1) return c.out.error(wrongArity('config|set'));
  const seen = new Set<string>();
  const todo: [ConfigParam, string][] = [];
  for (let i = 2; i < a.argc; i += 2) {
    const name = a.lower(i);
    const p = CONFIG_BY_NAME.get(name);
    if (p === undefined) return c.out.error(`ERR Unknown option or number of arguments for CONFIG SET - '${a.str(i)}'`);
    if (seen.has(name)) return c.out.error(`ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`);
    if (p.set === undefined) return c.out.error(`ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`);
    seen.add(name);
    todo.push([p, a.str(i + 1)]);
  }
  for (const [p, v] of todo) {
    const why = p.set!(c.engine, v);
    if (why !== null) return c.out.error(`ERR CONFIG SET failed (possibly related to argument '${p.name}') - ${why}`);
  }
  c.out.ok();
}

function configResetstat(c: Ctx): void {
  const s = c.engine.stats;
  s.commands = s.connections = s.rejectedConnections = s.netInput = s.netOutput = s.bufferLimitDisconnects = 0;
  c.ks.hits = c.ks.misses = c.ks.expiredKeys = 0;
  c.out.ok();
}

function configRewrite(c: Ctx): void {
  c.out.error('ERR The server is running without a config file');
}

function configHelp(c: Ctx): void {
  replyHelp(c, 'CONFIG', [
    'GET <pattern>', '    Return parameters matching the glob-like <pattern> and their values.',
    'SET <directive> <value>', '    Set the configuration <directive> to <value>.',
    'RESETSTAT', '    Reset statistics reported by the INFO command.',
    'REWRITE', '    Rewrite the configuration file.',
  ]);
}


export const configCommands: CommandSpec[] = [
  command('config', -2, '', NO_KEYS, container, [
    command('config|get', -3, 'admin noscript loading stale', NO_KEYS, configGet),
    command('config|set', -4, 'admin noscript loading stale', NO_KEYS, configSet),
    command('config|resetstat', 2, 'admin noscript loading stale', NO_KEYS, configResetstat),
    command('config|rewrite', 2, 'admin noscript loading stale', NO_KEYS, configRewrite),
    command('config|help', 2, 'loading stale', NO_KEYS, configHelp),
  ]),
];
