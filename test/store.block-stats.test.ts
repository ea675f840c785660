// When a blocking command's statistics are recorded, against redis-server 7.0.15: the call that
// blocks counts in INFO commandstats at once (calls=1); a client served by a push, or unblocked
// by CLIENT UNBLOCK (TIMEOUT or ERROR: both count a failed call), gets its latency histogram
// sample and its slow log entry only then (CLIENT UNBLOCK's entry without arguments, before the
// CLIENT UNBLOCK's own); one that times out gets neither; a command served with an error (BLMOVE
// to a key of the wrong type) counts a failed call. Compared: commandstats calls/rejected/failed,
// LATENCY HISTOGRAM calls, SLOWLOG GET's arguments and order (slowlog-log-slower-than 0).
import { describe, expect, it } from 'vitest';
import { admin, compareScripts, runScript, user, type Step } from './two-clients.js';

const hold = (...args: string[]): Step => ({ on: 'user', hold: args });
const collect: Step = { collect: true };
const reset: Step[] = [
  admin('CONFIG', 'SET', 'slowlog-log-slower-than', '0'),
  admin('CONFIG', 'SET', 'latency-tracking', 'yes'),
  admin('CONFIG', 'RESETSTAT'),
  admin('SLOWLOG', 'RESET'),
];
const report: Step[] = [
  admin('INFO', 'commandstats'),
  admin('LATENCY', 'HISTOGRAM', 'blpop', 'brpop', 'blmove', 'bzpopmin', 'blmpop', 'bzmpop', 'brpoplpush'),
  admin('SLOWLOG', 'GET', '128'),
  admin('CONFIG', 'SET', 'slowlog-log-slower-than', '10000'),
];

const SCRIPTS: Record<string, Step[]> = {
  'served by a push: recorded once, when served': [
    ...reset,
    hold('BLPOP', 'l', '0'),
    admin('RPUSH', 'l', 'a'),
    collect,
    hold('BZPOPMIN', 'z', '0'),
    admin('ZADD', 'z', '1', 'm'),
    collect,
    hold('BLMPOP', '0', '2', 'l1', 'l2', 'RIGHT', 'COUNT', '2'),
    admin('RPUSH', 'l2', 'a', 'b', 'c'),
    collect,
    hold('BZMPOP', '0', '1', 'z2', 'MAX'),
    admin('ZADD', 'z2', '1', 'a', '2', 'b'),
    collect,
    hold('BRPOPLPUSH', 'src', 'dst', '0'),
    admin('LPUSH', 'src', 'v'),
    collect,
    ...report,
  ],
  'timed out: calls only, no histogram sample, no slow log entry': [
    ...reset,
    user('BLPOP', 'none', '0.05'),
    user('BZPOPMIN', 'none', '0.05'),
    user('BLMOVE', 'none', 'dst', 'LEFT', 'RIGHT', '0.05'),
    ...report,
  ],
  'CLIENT UNBLOCK: failed either way, logged without arguments': [
    ...reset,
    hold('BLPOP', 'l', '0'),
    admin('CLIENT', 'UNBLOCK', '$UID'),
    collect,
    hold('BRPOP', 'l', 'm', '0'),
    admin('CLIENT', 'UNBLOCK', '$UID', 'ERROR'),
    collect,
    ...report,
    admin('INFO', 'errorstats'),
  ],
  'served with an error, and not blocking inside MULTI': [
    ...reset,
    hold('BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0'),
    admin('SET', 'dst', 'string'),
    admin('RPUSH', 'src', 'v'),
    collect,
    user('MULTI'),
    user('BLPOP', 'none', '0'),
    user('EXEC'),
    ...report,
  ],
};

describe('blocking commands: statistics recorded as redis-server 7.0.15 records them', () => {
  const servers = compareScripts(SCRIPTS);

  it('the reference shows what the scripts check (they can fail)', async () => {
    const out = await runScript(
      servers.redisPort,
      SCRIPTS['CLIENT UNBLOCK: failed either way, logged without arguments']!,
    );
    const stats = out.find((l) => l.startsWith('admin: INFO commandstats'))!;
    expect(stats).toContain('cmdstat_blpop:calls=1,rejected=0,failed=1');
    const slowlog = out.find((l) => l.startsWith('admin: SLOWLOG GET'))!;
    expect(slowlog).toContain('[[], ""]');
    const timedOut = await runScript(
      servers.redisPort,
      SCRIPTS['timed out: calls only, no histogram sample, no slow log entry']!,
    );
    expect(timedOut.find((l) => l.startsWith('admin: LATENCY HISTOGRAM'))).toContain('[]');
  });
});
