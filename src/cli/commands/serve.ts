// `tiermem serve`: run the service (allocator, controller, store engine, metrics, admin API)
// from flags and an optional config file (redis.conf-style, or JSON); flags win over the file.

import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Command, Option } from 'commander';
import { CONTROLLER_PARAMS, describeRange, type ParamDescriptor } from '../../controller/params.js';
import { isTiermemError } from '../../errors.js';
import { formatBytes } from '../../units.js';
import { readConfigFile, resolveConfig } from '../../service/config.js';
import type { ServiceConfig, ServiceConfigInput } from '../../service/config.js';
import { parseConfText, readConfFile, type Directive } from '../../store/conf-file.js';
import { interpretDirectives } from './serve-conf.js';
import { parseServeArgv, type ServeArgv } from '../serve-argv.js';
import { loadServiceDeps } from '../../service/deps.js';
import { startService } from '../../service/service.js';
import { closeOnSignals } from '../../service/signals.js';
import { numberArg } from '../args.js';
import { globals, type GlobalOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';

interface ServeFlags {
  config?: string;
  pmem?: string;
  dram?: string;
  threshold?: string;
  policy?: string;
  limitDram?: string;
  limitPmem?: string;
  controller: boolean;
  metrics: boolean;
  metricsHost?: string;
  metricsPort?: string;
  processMetrics?: boolean;
  adminHost?: string;
  adminPort?: string;
  store: boolean;
  host?: string;
  port?: string;
  requirepass?: string;
  protectedMode?: string;
  save?: string;
  dir?: string;
  dbfilename?: string;
  rdbcompression?: string;
  rdbchecksum?: string;
  stopWritesOnBgsaveError?: string;
  appendonly?: string;
  appendfsync?: string;
  appenddirname?: string;
  appendfilename?: string;
  aofLoadTruncated?: string;
  /** The controller parameters' flags (CONTROLLER_PARAMS), under commander's camel-case names. */
  [flag: string]: string | boolean | undefined;
}

/** commander's key for a flag: 'trim-kp' -> 'trimKp'. */
const flagKey = (d: ParamDescriptor): string => d.flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

function flagValueName(d: ParamDescriptor): string {
  if (d.kind === 'share') return 'dram:pmem';
  if (d.kind === 'size') return 'size';
  return d.unit === '' ? 'number' : d.unit;
}

const int = (v: string | undefined, what: string): number | undefined =>
  v === undefined ? undefined : numberArg(v, what, 0, 65535);

/** redis-server's yes/no flag values. */
function yesNo(v: string | undefined, what: string): boolean | undefined {
  if (v === undefined) return undefined;
  const b = v.toLowerCase();
  if (b !== 'yes' && b !== 'no') throw new CliError(EXIT.USAGE, `${what} must be yes or no, got ${JSON.stringify(v)}`);
  return b === 'yes';
}

/** Flags as a config layer; only what was given, so the file and defaults show through. */
function flagsLayer(f: ServeFlags, socket?: string, tokenFile?: string): ServiceConfigInput {
  const drop = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return drop({
    pmem: f.pmem,
    dram: f.dram,
    threshold: f.threshold,
    policy: f.policy,
    limits: drop({ dram: f.limitDram, pmem: f.limitPmem }),
    controller: drop({
      enabled: f.controller === false ? false : undefined,
      // Checked (with the file's values) by resolveConfig against the same rows.
      ...Object.fromEntries(CONTROLLER_PARAMS.map((d) => [d.name, f[flagKey(d)] as string | undefined])),
    }),
    metrics: drop({
      enabled: f.metrics === false ? false : undefined,
      host: f.metricsHost,
      port: int(f.metricsPort, '--metrics-port'),
      processMetrics: f.processMetrics,
    }),
    admin: drop({
      socket,
      host: f.adminHost,
      port: int(f.adminPort, '--admin-port'),
      tokenFile,
    }),
    store: drop({
      enabled: f.store === false ? false : undefined,
      host: f.host,
      port: int(f.port, '--port'),
      requirepass: f.requirepass,
      protectedMode: yesNo(f.protectedMode, '--protected-mode'),
      save: f.save,
      dir: f.dir,
      dbfilename: f.dbfilename,
      rdbcompression: f.rdbcompression,
      rdbchecksum: f.rdbchecksum,
      stopWritesOnBgsaveError: f.stopWritesOnBgsaveError,
      appendonly: f.appendonly,
      appendfsync: f.appendfsync,
      appenddirname: f.appenddirname,
      appendfilename: f.appendfilename,
      aofLoadTruncated: f.aofLoadTruncated,
    }),
  });
}

/** The directive names of serve's options: `port`, `limit-dram`, `controller` (--no-controller). */
function directiveNames(own: readonly Option[]): string[] {
  return own.flatMap((o) => (o.long === undefined ? [] : [o.long.replace(/^--(no-)?/, '')]));
}

/** A config file is JSON when it is named *.json or its first non-blank character is '{'. */
function isJson(path: string, text: string): boolean {
  return /\.json$/i.test(path) || /^\s*\{/.test(text);
}

/** One serve option's value checked alone (an admin port needs a token file, given apart). */
function checkOne(one: Record<string, string | boolean>): void {
  const admin = one.adminPort !== undefined || one.adminHost !== undefined;
  resolveConfig(flagsLayer(one as ServeFlags, undefined, admin ? 'token-file' : undefined));
}

const newlines = (text: string): number => text.split('\n').length - 1;

/** Directives serve takes on its command line but not in a file: where the file is, and the
 *  client-side globals (`tiermem serve --json` was always accepted). */
const COMMAND_LINE_ONLY = new Set(['config', 'json', 'admin-url']);

/**
 * The configuration from defaults, the config file, stdin and the command line, in that order
 * (later wins), as redis-server 7.0.15 reads its file, stdin and then its arguments as one text:
 * the command line's directives are numbered as the lines after the file's and stdin's.
 */
function loadConfig(argv: ServeArgv, own: readonly Option[], g: GlobalOptions): ServiceConfig {
  const configArgs = argv.directives.filter((d) => d.name === 'config');
  if (configArgs.some((d) => d.args.length !== 1)) throw new CliError(EXIT.USAGE, '--config takes one file');
  if (configArgs.length > 1 || (argv.configFile !== undefined && configArgs.length > 0))
    throw new CliError(EXIT.USAGE, 'give the config file once: as the argument or with --config');
  const path = argv.configFile ?? configArgs[0]?.args[0];
  let json: ServiceConfigInput = {};
  let fileDirectives: Directive[] = [];
  let lines = 0;
  let fromFile = false;
  if (path !== undefined) {
    let text = '';
    try {
      text = readFileSync(path, 'latin1');
    } catch {
      /* reported by the reader below, with Redis's text or the JSON reader's */
    }
    if (isJson(path, text)) json = readConfigFile(path);
    else {
      fileDirectives = readConfFile(path);
      lines = newlines(text);
      fromFile = true;
    }
  }
  const stdinText = argv.stdin ? readFileSync(0, 'latin1') : '';
  const stdinDirectives = parseConfText(stdinText, null, 0, lines);
  const argDirectives = parseConfText(argv.text, null, 0, lines + newlines(stdinText) + 1).filter(
    (d) => !COMMAND_LINE_ONLY.has(d.name),
  );
  const conf = interpretDirectives(
    [...fileDirectives, ...stdinDirectives, ...argDirectives],
    own,
    checkOne,
    new Set(argDirectives),
  );
  const flags = { ...conf.flags, ...(conf.save !== undefined ? { save: conf.save } : {}) } as ServeFlags;
  // The global --token-file is also a client option: serve reads it only for the HTTP admin API.
  const tokenFile =
    (flags.tokenFile as string | undefined) ?? (flags.adminPort !== undefined ? g.tokenFile : undefined);
  const config = resolveConfig(json, flagsLayer(flags, (flags.socket as string | undefined) ?? g.socket, tokenFile));
  config.store.settings = conf.settings;
  config.store.configFile =
    fromFile && path !== undefined ? { path: resolvePath(path), directives: directiveNames(own) } : null;
  return config;
}

export function addServeCommand(program: Command, rawArgs: readonly string[]): void {
  const serve = program
    .command('serve')
    .description(
      'run the service: allocator, controller, store engine (Redis protocol), metrics endpoint and admin API',
    )
    .argument(
      '[configfile]',
      'config file, first, as redis-server takes it: redis.conf directives (or JSON); - reads stdin',
    )
    .option('-c, --config <file>', 'the config file, given as an option (flags override it)')
    .option(
      '--pmem <spec>',
      'PMem backend: auto, dax-kmem, node:N, file:DIR[:SIZE] (auto emulates with a file when there is no PMem)',
    )
    .option('--dram <kind>', 'DRAM kind: regular or default')
    .option('--threshold <size>', 'initial size threshold, e.g. 4KiB')
    .option('--policy <policy>', 'when a tier is full: spill or strict')
    .option('--limit-dram <size>', 'limit on live DRAM bytes, e.g. 2GiB')
    .option('--limit-pmem <size>', 'limit on live PMem bytes, e.g. 8GiB')
    .option('--no-controller', 'keep the threshold fixed');
  for (const d of CONTROLLER_PARAMS) {
    const dflt = d.kind === 'size' ? formatBytes(d.default) : String(d.default);
    serve.option(
      `--${d.flag} <${flagValueName(d)}>`,
      `controller: ${d.description} (${describeRange(d)}, default ${dflt})`,
    );
  }
  serve
    .option('--no-metrics', 'no metrics endpoint')
    .option('--metrics-host <host>', 'metrics address (default 127.0.0.1)')
    .option('--metrics-port <port>', 'metrics port (default 9477, 0 picks one)')
    .option('--process-metrics', 'also export Node.js process metrics')
    .option('--admin-port <port>', 'admin API on loopback HTTP instead of the Unix socket (needs --token-file)')
    .option('--admin-host <host>', 'loopback address for --admin-port (default 127.0.0.1)')
    .option('--no-store', 'no store engine')
    .option('--host <host>', 'store engine address (default 127.0.0.1)')
    .option('-p, --port <port>', 'store engine port (default 6379)')
    .option('--requirepass <password>', 'store engine: clients must AUTH with this password (as redis-server)')
    .option('--protected-mode <yes|no>', 'store engine: with no password, refuse non-loopback clients (default yes)')
    .option(
      '--save <points>',
      'RDB save points as redis.conf\'s save: "3600 1 300 100 60 10000", "" for none (default "")',
    )
    .option('--dir <dir>', 'working directory of dump.rdb and the AOF directory (default: the current directory)')
    .option('--dbfilename <name>', 'RDB file name (default dump.rdb)')
    .option('--rdbcompression <yes|no>', 'LZF-compress strings in the RDB file (default yes)')
    .option('--rdbchecksum <yes|no>', 'CRC64 at the end of the RDB file (default yes)')
    .option(
      '--stop-writes-on-bgsave-error <yes|no>',
      'refuse writes (MISCONF) after a failed background save (default yes)',
    )
    .option('--appendonly <yes|no>', 'append-only file: load it at start, append every write (default no)')
    .option('--appendfsync <always|everysec|no>', 'when the AOF is fsynced (default everysec)')
    .option('--appenddirname <name>', 'AOF directory under --dir (default appendonlydir)')
    .option('--appendfilename <name>', 'AOF base name (default appendonly.aof)')
    .option(
      '--aof-load-truncated <yes|no>',
      'load a truncated last AOF file up to its last whole command (default yes)',
    )
    .addHelpText(
      'after',
      '\nEvery CONFIG parameter is also a flag, as redis-server takes them: --maxmemory 4gb, ' +
        '--hash-max-listpack-entries 64.\nAs in redis-server, a flag takes every word up to the next --name: ' +
        "--user alice on '>pw' -@all +get, --list-max-listpack-size -3.\n" +
        'The config file takes the same names, one directive per line ' +
        '(docs/service.md, Configuration).',
    );
  // The file's directives are these options (and the global admin ones) plus CONFIG parameters.
  const own: Option[] = [
    ...serve.options,
    ...program.options.filter((o) => o.long === '--socket' || o.long === '--token-file'),
  ];
  const switches = new Set([
    'json',
    ...own.filter((o) => !o.required && !o.optional && o.long !== undefined).map((o) => o.long!.slice(2)),
  ]);
  serve.action(async (_configFile: string | undefined, _f: ServeFlags, cmd: Command) => {
    // main.ts hands serve its arguments untouched: they are read as redis-server reads its own.
    const argv = parseServeArgv(rawArgs, switches);
    if (argv.help) cmd.help();
    let config;
    try {
      config = loadConfig(argv, own, globals(cmd));
    } catch (e) {
      if (isTiermemError(e)) throw new CliError(EXIT.USAGE, e.message);
      throw e;
    }
    const log = (line: string): void => {
      process.stdout.write(`tiermem: ${line}\n`);
    };
    let service: Awaited<ReturnType<typeof startService>> | undefined;
    // SHUTDOWN from a client: the store has saved (if asked to); stop everything and exit.
    const onStoreShutdown = (): void => {
      log('SHUTDOWN: stopping');
      void (service ? service.close() : Promise.resolve()).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    try {
      service = await startService(config, await loadServiceDeps(), log, onStoreShutdown);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (isTiermemError(e) && e.code === 'ERR_TIERMEM_INVALID_ARG') throw new CliError(EXIT.USAGE, e.message);
      const hint =
        err.code === 'EADDRINUSE' ? ' (another process uses that port: pick another with the port flags)' : '';
      throw new CliError(EXIT.START_FAILED, `could not start: ${err.message}${hint}`);
    }
    log('ready; SIGINT or SIGTERM stops it');
    closeOnSignals(service, log);
  });
}
