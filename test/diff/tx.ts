// Transactions for the differential harness: a MULTI row sends a whole transaction (its body
// and the closing EXEC or DISCARD ride as follow-ups, so no MULTI stays open across rows, the
// state checks or the runner's FLUSHALL). Bodies mix commands that run, runtime errors (no
// rollback), queue-time errors (EXECABORT), WATCH and MULTI inside MULTI, and queued UNWATCH.
// WATCH rows watch pool keys on the same connection: the writes of later rows (or none)
// decide whether a later EXEC aborts. Replies inside EXEC are compared exactly, so the bodies
// use only commands whose replies are ordered.
import { b, key, keys, member, value, word, type GenContext } from './args.js';
import type { CommandRow } from './commands.js';

type Make = (g: GenContext) => Buffer[];

const BODY: readonly Make[] = [
  (g) => [word(g, 'SET'), key(g, 'string'), value(g)],
  (g) => [word(g, 'GET'), key(g, 'string')],
  (g) => [word(g, 'INCR'), key(g)],
  (g) => [word(g, 'APPEND'), key(g, 'string'), value(g)],
  (g) => [word(g, 'DEL'), ...keys(g, 1, 2)],
  (g) => [word(g, 'LPUSH'), key(g, 'list'), value(g)],
  (g) => [word(g, 'LRANGE'), key(g, 'list'), b('0'), b('-1')],
  (g) => [word(g, 'SADD'), key(g, 'set'), member(g)],
  (g) => [word(g, 'HSET'), key(g, 'hash'), member(g), value(g)],
  (g) => [word(g, 'EXISTS'), ...keys(g, 1, 3)],
  (g) => [word(g, 'PING')],
  (g) => [word(g, 'UNWATCH')],
  // Refused while queueing: the transaction is doomed (EXECABORT).
  (g) => [word(g, 'GET')],
  (g) => [word(g, 'SET'), key(g)],
  () => [b('NOSUCHCOMMAND'), b('x')],
  (g) => [word(g, 'OBJECT'), b('nosuchsub')],
  // Refused without dooming it.
  (g) => [word(g, 'WATCH'), key(g)],
  (g) => [word(g, 'MULTI')],
];

let pendingBody: Buffer[][] = [];

function transaction(g: GenContext): Buffer[][] {
  const out: Buffer[][] = [];
  const n = g.rng.int(0, 5);
  for (let i = 0; i < n; i++) {
    const make = g.rng.pick(BODY);
    // Queue-time errors are rarer, so that most transactions run.
    if (BODY.indexOf(make) >= 12 && g.rng.chance(0.6)) continue;
    out.push(make(g));
  }
  out.push([word(g, g.rng.chance(0.8) ? 'EXEC' : 'DISCARD')]);
  return out;
}

export const TRANSACTION_ROWS: CommandRow[] = [
  {
    name: 'MULTI',
    family: 'connection',
    weight: 3,
    keepArity: true,
    args: (g) => {
      pendingBody = transaction(g);
      return [];
    },
    followUps: () => {
      const body = pendingBody;
      pendingBody = [];
      return body;
    },
  },
  { name: 'WATCH', family: 'connection', weight: 1, args: (g) => keys(g, 1, 3) },
  { name: 'UNWATCH', family: 'connection', weight: 0.3, args: () => [] },
  // Outside MULTI: their errors.
  { name: 'EXEC', family: 'connection', weight: 0.2, keepArity: true, args: () => [] },
  { name: 'DISCARD', family: 'connection', weight: 0.2, keepArity: true, args: () => [] },
];
