// Shard pub/sub (SSUBSCRIBE SUNSUBSCRIBE SPUBLISH, PUBSUB SHARDCHANNELS|SHARDNUMSUB): the same
// scripts against redis-server 7.0.15 and the store, through ioredis and raw sockets.
import net from 'node:net';
import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { sameTranscripts, settle, sleep, type Scenario } from './transcripts.js';

/** Send inline commands one by one on one connection; everything received, as text. */
function rawExchange(port: number, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.on('data', (d: Buffer) => (data += d.toString('latin1')));
    sock.on('error', reject);
    sock.on('connect', () => {
      void (async () => {
        for (const c of commands) {
          sock.write(`${c}\r\n`);
          await sleep(20);
        }
        await sleep(200);
        sock.destroy();
        resolve(data);
      })();
    });
  });
}

const field = (text: string, name: string): string | undefined =>
  new RegExp(`(?:^|[ \\r\\n])${name}[=:]([^ \\r\\n]*)`).exec(text)?.[1];

// Counts (shard channels apart from channels and patterns), the bare SUNSUBSCRIBE with none,
// subscribed mode and what leaves it, SSUBSCRIBE inside EXEC, RESET.
const replies: Scenario = async (port) => [
  await rawExchange(port, [
    'SSUBSCRIBE a b a',
    'SUBSCRIBE c',
    'PSUBSCRIBE p*',
    'SSUBSCRIBE d',
    'GET x',
    'SPUBLISH a m',
    'PUBSUB SHARDCHANNELS',
    'SUNSUBSCRIBE a zz',
    'SUNSUBSCRIBE d',
    'SUNSUBSCRIBE',
    'SUNSUBSCRIBE',
    'PING',
    'UNSUBSCRIBE',
    'PUNSUBSCRIBE',
    'PING',
  ]),
  await rawExchange(port, ['SUNSUBSCRIBE', 'SUNSUBSCRIBE x y', 'PING', 'SSUBSCRIBE only', 'RESET', 'PING']),
  await rawExchange(port, ['MULTI', 'SSUBSCRIBE a', 'SPUBLISH a m', 'EXEC', 'PING']),
  await rawExchange(port, [
    'SSUBSCRIBE',
    'SPUBLISH a',
    'PUBSUB SHARDCHANNELS x y',
    'pubsub shardChannels x y',
    'PUBSUB CHANNELS x y',
    'PUBSUB SHARDNUMSUB',
    'PUBSUB SHARDNUMSUB a b',
    'PUBSUB HELP',
  ]),
];

// Deliveries: smessage to shard subscribers only (not to a channel or pattern subscriber of the
// same name), SPUBLISH's count, SHARDNUMSUB/SHARDCHANNELS, INFO and CLIENT LIST numbers.
const deliveries: Scenario = async (port) => {
  const opts = { port, disableClientInfo: true };
  const [s1, s2, plain, p] = [new Redis(opts), new Redis(opts), new Redis(opts), new Redis(opts)];
  try {
    const got: unknown[] = [];
    s1.on('smessage', (ch: string, msg: string) => got.push(['s1', ch, msg]));
    s2.on('smessage', (ch: string, msg: string) => got.push(['s2', ch, msg]));
    plain.on('message', (ch: string, msg: string) => got.push(['plain', ch, msg]));
    plain.on('pmessage', (pat: string, ch: string, msg: string) => got.push(['plainp', pat, ch, msg]));
    const out: unknown[] = [
      await s1.ssubscribe('news', 'sport'),
      await s2.ssubscribe('news'),
      await plain.subscribe('news'),
      await plain.psubscribe('n*'),
    ];
    out.push(await p.spublish('news', 'one'), await p.spublish('sport', 'two'), await p.spublish('none', 'x'));
    out.push(await p.publish('news', 'plain'));
    out.push(await p.call('PUBSUB', 'SHARDNUMSUB', 'news', 'sport', 'none'));
    out.push(((await p.call('PUBSUB', 'SHARDCHANNELS')) as string[]).sort());
    out.push(await p.call('PUBSUB', 'SHARDCHANNELS', 's*'));
    out.push(await p.call('PUBSUB', 'NUMSUB', 'news'), await p.call('PUBSUB', 'CHANNELS', 's*'));
    const info = await p.info('stats');
    out.push(field(info, 'pubsubshard_channels'), field(info, 'pubsub_channels'));
    const list = (await p.call('CLIENT', 'LIST')) as string;
    out.push(
      list
        .trim()
        .split('\n')
        .map((l) => [field(l, 'sub'), field(l, 'psub'), field(l, 'ssub'), field(l, 'flags')].join('/'))
        .sort(),
    );
    out.push(await settle(s1.get('k')));
    out.push(await s1.sunsubscribe('news'), await p.spublish('news', 'three'));
    // Five deliveries are due: s1 one, s2 one, s1 two, plain's and its pattern's 'plain', s2 three.
    for (let i = 0; i < 200 && got.length < 6; i++) await sleep(10);
    await sleep(50);
    out.push(got);
    out.push(await s2.sunsubscribe(), await s1.sunsubscribe());
    const after = await p.info('stats');
    out.push(field(after, 'pubsubshard_channels'), await p.call('PUBSUB', 'SHARDCHANNELS'));
    return out;
  } finally {
    for (const r of [s1, s2, plain, p]) r.disconnect();
  }
};

/** A shard subscriber that never reads is in the pubsub output-buffer class: disconnected. */
const slowShardSubscriber: Scenario = async (port) => {
  const p = new Redis({ port, disableClientInfo: true });
  const sock = net.connect(port, '127.0.0.1');
  try {
    await new Promise<void>((r) => sock.on('connect', () => r()));
    await p.config('SET', 'client-output-buffer-limit', 'pubsub 1mb 256kb 60');
    sock.write('SSUBSCRIBE flood\r\n');
    await sleep(100);
    sock.pause();
    const payload = 'x'.repeat(64 * 1024);
    let receivers = 1;
    let sent = 0;
    for (; receivers > 0 && sent < 1024; sent++) receivers = Number(await p.spublish('flood', payload));
    await p.config('SET', 'client-output-buffer-limit', 'pubsub 33554432 8388608 60');
    return [receivers, sent < 1024, await p.call('PUBSUB', 'SHARDNUMSUB', 'flood')];
  } finally {
    sock.destroy();
    p.disconnect();
  }
};

describe('shard pub/sub against redis-server 7.0.15', () => {
  sameTranscripts([
    ['replies, counts, subscribed mode, EXEC, RESET', replies],
    ['deliveries through ioredis, SHARDNUMSUB/SHARDCHANNELS, INFO, CLIENT LIST', deliveries],
    ['a slow shard subscriber hits the pubsub output-buffer limit', slowShardSubscriber],
  ]);
});
