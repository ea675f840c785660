// Connection commands: PING ECHO SELECT QUIT HELLO CLIENT COMMAND.

import type { Ctx } from './context.js';
import { wrongArity } from './errors.js';
import { replyHelp } from './help.js';
import { command, NO_KEYS, type CommandSpec, container } from './spec.js';

/** The Redis version we answer to HELLO/INFO with: the protocol and semantics we follow. */
export const REDIS_COMPAT_VERSION = '7.0.0';

function ping(c: Ctx): void {
  const a = c.args;
  if (a.argc > 2) return c.out.error(wrongArity('ping'));
  if (a.argc === 2) c.out.bulk(a.bytes(1));
  else c.out.simple('PONG');
}

function echo(c: Ctx): void {
  c.out.bulk(c.args.bytes(1));
}

function select(c: Ctx): void {
  const db = c.int(1);
  if (db === null) return;
  if (db !== 0) return c.out.error('ERR DB index is out of range');
  c.out.ok();
}

function quit(c: Ctx): void {
  c.out.ok();
  c.client.closeAfterReply = true;
}

/** Redis accepts client names of printable ASCII without spaces. */
function validName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

const BAD_NAME = 'ERR Client names cannot contain spaces, newlines or special characters.';

function hello(c: Ctx): void {
  const a = c.args;
  let j = 1;
  if (a.argc >= 2) {
    const ver = c.int(1, 'ERR Protocol version is not an integer or out of range');
    if (ver === null) return;
    // Only RESP2 is spoken; RESP3 clients fall back to it on NOPROTO.
    if (ver !== 2) return c.out.error('NOPROTO unsupported protocol version');
    j = 2;
  }
  let name: string | null = null;
  for (; j < a.argc; j++) {
    const more = a.argc - j - 1;
    if (a.is(j, 'auth') && more >= 2) {
      // No ACLs: the 'default' user has no password, as a fresh redis-server.
      if (a.str(j + 1) !== 'default') {
        return c.out.error('WRONGPASS invalid username-password pair or user is disabled.');
      }
      j += 2;
    } else if (a.is(j, 'setname') && more >= 1) {
      name = a.str(++j);
      if (!validName(name)) return c.out.error(BAD_NAME);
    } else {
      return c.out.error(`ERR Syntax error in HELLO option '${a.str(j)}'`);
    }
  }
  if (name !== null) c.client.name = name;
  const o = c.out;
  o.arrayHeader(14);
  o.bulkText('server');
  o.bulkText('redis');
  o.bulkText('version');
  o.bulkText(REDIS_COMPAT_VERSION);
  o.bulkText('proto');
  o.int(2);
  o.bulkText('id');
  o.int(c.client.id);
  o.bulkText('mode');
  o.bulkText('standalone');
  o.bulkText('role');
  o.bulkText('master');
  o.bulkText('modules');
  o.arrayHeader(0);
}

function clientSetname(c: Ctx): void {
  const name = c.args.str(2);
  if (!validName(name)) return c.out.error(BAD_NAME);
  c.client.name = name;
  c.out.ok();
}

function clientGetname(c: Ctx): void {
  if (c.client.name === '') c.out.nullBulk();
  else c.out.bulkLatin1(c.client.name);
}

function clientId(c: Ctx): void {
  c.out.int(c.client.id);
}

function clientLine(c: Ctx, id: number): string {
  const cl = c.engine.clients.get(id)!;
  const now = Date.now();
  return `id=${cl.id} addr=${cl.addr} name=${cl.name} age=${Math.floor((now - cl.createdAt) / 1000)} ` +
    `idle=${Math.floor((now - cl.lastCommandAt) / 1000)} db=0 qbuf=${cl.parser.pendingBytes} ` +
    `omem=${cl.socket.writableLength} cmd=${cl.lastCommand}\n`;
}

function clientList(c: Ctx): void {
  let s = '';
  for (const id of c.engine.clients.keys()) s += clientLine(c, id);
  c.out.bulkText(s);
}

function clientInfo(c: Ctx): void {
  c.out.bulkText(clientLine(c, c.client.id));
}

function clientSetinfo(c: Ctx): void {
  c.out.ok(); // lib-name / lib-ver, sent by newer clients: accepted and ignored
}

function clientHelp(c: Ctx): void {
  replyHelp(c, 'CLIENT', [
    'GETNAME', '    Return the name of the current connection.',
    'ID', '    Return the ID of the current connection.',
    'INFO', '    Return information about the current client connection.',
    'LIST', '    Return information about client connections.',
    'SETNAME <name>', '    Assign the name <name> to the current connection.',
  ]);
}


function commandAll(c: Ctx): void {
  const specs = c.engine.commands;
  c.out.arrayHeader(specs.length);
  for (const s of specs) commandInfoReply(c, s);
}

function commandInfoReply(c: Ctx, s: CommandSpec): void {
  const o = c.out;
  o.arrayHeader(10);
  o.bulkText(s.name);
  o.int(s.arity);
  o.arrayHeader(s.flags.length);
  for (const f of s.flags) o.simple(f);
  o.int(s.firstKey);
  o.int(s.lastKey);
  o.int(s.step);
  o.arrayHeader(0); // ACL categories
  o.arrayHeader(0); // tips
  o.arrayHeader(0); // key specs
  const subs = s.subcommands ? [...s.subcommands.values()] : [];
  o.arrayHeader(subs.length);
  for (const sub of subs) commandInfoReply(c, sub);
}

function commandCount(c: Ctx): void {
  c.out.int(c.engine.commands.length);
}

function commandInfo(c: Ctx): void {
  const a = c.args;
  if (a.argc === 2) return commandAll(c);
  c.out.arrayHeader(a.argc - 2);
  for (let i = 2; i < a.argc; i++) {
    const s = c.engine.lookup(a.str(i));
    if (s === undefined) c.out.nullArray();
    else commandInfoReply(c, s);
  }
}

function commandDocs(c: Ctx): void {
  c.out.arrayHeader(0); // no documentation: redis-cli then shows no hints, which is fine
}

function commandList(c: Ctx): void {
  const specs = c.engine.commands;
  c.out.arrayHeader(specs.length);
  for (const s of specs) c.out.bulkText(s.name);
}

function commandHelp(c: Ctx): void {
  replyHelp(c, 'COMMAND', [
    '(no subcommand)', '    Return details about all commands.',
    'COUNT', '    Return the total number of commands in this server.',
    'LIST', '    Return a list of all commands in this server.',
    'INFO [<command-name> ...]', '    Return details about multiple commands.',
    'DOCS [<command-name> ...]', '    Return documentation details about multiple commands.',
  ]);
}

export const connectionCommands: CommandSpec[] = [
  command('ping', -1, 'fast', NO_KEYS, ping),
  command('echo', 2, 'fast', NO_KEYS, echo),
  command('select', 2, 'loading stale fast', NO_KEYS, select),
  command('quit', -1, 'allow_busy fast', NO_KEYS, quit),
  command('hello', -1, 'noscript loading stale fast', NO_KEYS, hello),
  command('client', -2, '', NO_KEYS, container, [
    command('client|setname', 3, 'noscript loading stale', NO_KEYS, clientSetname),
    command('client|getname', 2, 'noscript loading stale', NO_KEYS, clientGetname),
    command('client|id', 2, 'noscript loading stale', NO_KEYS, clientId),
    command('client|list', -2, 'admin noscript loading stale', NO_KEYS, clientList),
    command('client|info', 2, 'noscript loading stale', NO_KEYS, clientInfo),
    command('client|setinfo', 4, 'noscript loading stale', NO_KEYS, clientSetinfo),
    command('client|help', 2, 'loading stale', NO_KEYS, clientHelp),
  ]),
  command('command', -1, 'loading stale', NO_KEYS, commandAll, [
    command('command|count', 2, 'loading stale', NO_KEYS, commandCount),
    command('command|info', -2, 'loading stale', NO_KEYS, commandInfo),
    command('command|docs', -2, 'loading stale', NO_KEYS, commandDocs),
    command('command|list', -2, 'loading stale', NO_KEYS, commandList),
    command('command|help', 2, 'loading stale', NO_KEYS, commandHelp),
  ]),
];


