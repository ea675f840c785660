#!/usr/bin/env node
// The `tiermem` command. User errors print one line that says what to do and exit with a
// documented code (src/cli/exit-codes.ts); a stack trace is shown only for internal errors
// with TIERMEM_DEBUG=1.

import { Command, CommanderError } from 'commander';
import { AdminClientError } from '../admin/client.js';
import { isTiermemError } from '../errors.js';
import { packageVersion } from '../version.js';
import { addControllerCommands } from './commands/controller.js';
import { addProfileCommand } from './commands/profile.js';
import { addRecommendCommand } from './commands/recommend.js';
import { addRecordCommand } from './commands/record.js';
import { addServeCommand } from './commands/serve.js';
import { addSetCommands } from './commands/set.js';
import { addStatusCommands } from './commands/status.js';
import { CliError, EXIT } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';

function buildProgram(serveArgs: readonly string[]): Command {
  const program = new Command('tiermem')
    .description('tiered DRAM/PMem allocator service: run it, watch it, retune it')
    .version(packageVersion())
    .option(
      '--socket <path>',
      'admin API Unix socket (default $TIERMEM_ADMIN_SOCKET, $XDG_RUNTIME_DIR/tiermem.sock or /tmp/tiermem-UID.sock)',
    )
    .option(
      '--admin-url <url>',
      'admin API over loopback HTTP instead, e.g. http://127.0.0.1:9478 (or $TIERMEM_ADMIN_URL)',
    )
    .option(
      '--token-file <file>',
      'bearer token file for --admin-url (serve: the file the HTTP admin API reads; created if missing)',
    )
    .option('--json', 'machine-readable JSON output')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // commander's own usage errors: keep them to one line.
      outputError: (text, write) => write(`tiermem: ${text.replace(/^error: /, '').trim()}\n`),
    });
  addStatusCommands(program);
  addSetCommands(program);
  addControllerCommands(program);
  addRecordCommand(program);
  addRecommendCommand(program);
  addProfileCommand(program);
  addServeCommand(program, serveArgs);
  return program;
}

function fail(code: ExitCode, message: string, json: boolean, errCode?: string): never {
  process.stderr.write(
    json
      ? JSON.stringify({ error: { code: errCode ?? `EXIT_${code}`, message, exitCode: code } }) + '\n'
      : `tiermem: ${message}\n`,
  );
  process.exit(code);
}

/**
 * A reader that goes away (`tiermem watch | head`) is how a pipeline ends, not an error: stop
 * quietly, as `yes | head` does. Any other write error on the output streams is still reported.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.OK);
    throw e;
  });
}

/**
 * Where `serve` stands in argv (after only the program's own options), or -1: its arguments are
 * read as redis-server reads its own (src/cli/serve-argv.ts), which commander's option grammar
 * cannot express (`--user alice on -@all +get`, `--list-max-listpack-size -3`).
 */
function serveAt(program: Command, argv: readonly string[]): number {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    const o = program.options.find((x) => a === x.long || a === x.short || a.startsWith(`${x.long}=`));
    if (o === undefined) return a === 'serve' ? i : -1;
    if (o.required && !a.includes('=')) i++;
  }
  return -1;
}

async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  const json = argv.includes('--json');
  try {
    const serveArgs: string[] = [];
    const program = buildProgram(serveArgs);
    const at = serveAt(program, argv);
    if (at >= 0) serveArgs.push(...argv.splice(at + 1));
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are "errors" under exitOverride; their text is already printed.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(EXIT.OK);
      process.exit(e.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
    }
    if (e instanceof CliError) fail(e.exitCode, e.message, json);
    if (e instanceof AdminClientError) {
      const code =
        e.kind === 'unreachable' || e.kind === 'protocol'
          ? EXIT.UNREACHABLE
          : e.kind === 'unauthorized'
            ? EXIT.UNAUTHORIZED
            : EXIT.REJECTED;
      fail(code, e.kind === 'rejected' ? `the service refused: ${e.message}` : e.message, json, e.code);
    }
    if (isTiermemError(e) && e.code === 'ERR_TIERMEM_INVALID_ARG') fail(EXIT.USAGE, e.message, json, e.code);
    if (process.env.TIERMEM_DEBUG) process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    fail(
      EXIT.INTERNAL,
      `internal error: ${(e as Error).message ?? String(e)} (set TIERMEM_DEBUG=1 for the stack trace, and please report it)`,
      json,
    );
  }
}

await main(process.argv);
