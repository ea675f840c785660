// The commands the control plane serves: the engine's command table marks them (CMD_JS) and
// hands each one here with its arguments; the reply goes back as RESP bytes. They read the
// allocator, the controller and the configuration, which live on this side.

import type { StoreHost } from './host.js';
import { ReplyWriter } from './resp/writer.js';
import { configGet, configResetstat, configRewrite, configSet } from './commands/config.js';
import { info } from './commands/info.js';
import { memoryDoctor, memoryStats } from './commands/memory.js';
import { bgrewriteaof, bgsave, lastsave, save, shutdown } from './commands/persist.js';
import { internalErrorReply } from './internal-errors.js';

/** Tests only (host.testFaults): a command whose last argument is this throws in its handler. */
export const TEST_FAULT_ARG = 'tiermem:test-fault:control';

/** A command's arguments (Buffers copied out of the engine's query buffer). */
export class JsArgs {
  constructor(readonly argv: readonly Buffer[]) {}

  get argc(): number {
    return this.argv.length;
  }

  /** Argument i as text (binary-safe: one char per byte). */
  str(i: number): string {
    return this.argv[i]!.toString('latin1');
  }

  lower(i: number): string {
    return this.str(i).toLowerCase();
  }

  is(i: number, word: string): boolean {
    return this.lower(i) === word;
  }
}

export interface JsCtx {
  readonly host: StoreHost;
  /** The calling client's slot (host.clients). */
  readonly slot: number;
  readonly args: JsArgs;
  readonly out: ReplyWriter;
}

type JsHandler = (c: JsCtx) => void;

/** By full command name, as the engine's table names them. */
const HANDLERS: ReadonlyMap<string, JsHandler> = new Map<string, JsHandler>([
  ['info', info],
  ['config|get', configGet],
  ['config|set', configSet],
  ['config|resetstat', configResetstat],
  ['config|rewrite', configRewrite],
  ['memory|stats', memoryStats],
  ['memory|doctor', memoryDoctor],
  ['save', save],
  ['bgsave', bgsave],
  ['bgrewriteaof', bgrewriteaof],
  ['lastsave', lastsave],
  ['shutdown', shutdown],
]);

/** The engine's deferral callback for `host`: runs the command, returns its reply bytes. */
export function controlPlane(host: StoreHost): (slot: number, argv: Buffer[]) => Uint8Array {
  const out = new ReplyWriter();
  return (slot, argv) => {
    const args = new JsArgs(argv);
    const name =
      args.argc >= 2 && (args.is(0, 'config') || args.is(0, 'memory'))
        ? `${args.lower(0)}|${args.lower(1)}`
        : args.lower(0);
    const handler = HANDLERS.get(name);
    if (handler === undefined) {
      out.error(`ERR '${name}' is not served by the control plane`);
      return out.take();
    }
    try {
      if (host.testFaults && args.argc > 1 && args.lower(args.argc - 1) === TEST_FAULT_ARG)
        throw new Error('injected test fault (TIERMEM_TEST_FAULTS)');
      handler({ host, slot, args, out });
    } catch (err) {
      // The command fails; the connection and the server go on.
      out.take();
      host.internalErrors.fromControlPlane(name, err);
      out.error(internalErrorReply(name));
    }
    return out.take();
  };
}
