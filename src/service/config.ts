// Service configuration: defaults, an optional JSON config file, and command-line flags on top.
// Validated as a whole before anything starts, with messages that name the bad setting.

import type { AofOptions, AppendFsync } from '../store/aof.js';
import type { ConfigFileRef, StartupSetting } from '../store/conf-file.js';
import { readFileSync } from 'node:fs';
import { TiermemError } from '../errors.js';
import { DEFAULT_THRESHOLD, DRAM_KINDS, POLICIES } from '../types.js';
import type { DramKind, ExhaustionPolicy, Tier } from '../types.js';
import { parseChoice, parseRatio, parseSize, ratioToShare } from '../units.js';
import { defaultSocketPath } from '../admin/socket-path.js';
import {
  CONTROLLER_PARAM_NAMES,
  CONTROLLER_PARAMS,
  DEFAULT_CONTROLLER_PARAMS,
  mergeParams,
  parseParam,
} from '../controller/params.js';
import type { ControllerParamName } from '../controller/params.js';
import { DEFAULT_METRICS_PORT } from '../metrics/server.js';
import type { ControllerParams } from './ports.js';

export interface ServiceConfig {
  allocator: {
    pmem: string;
    dram: DramKind;
    threshold: number;
    limits: Record<Tier, number>;
    policy: ExhaustionPolicy;
  };
  controller: { enabled: boolean; params: Partial<ControllerParams> };
  metrics: { enabled: boolean; host: string; port: number; processMetrics: boolean };
  admin: { socketPath: string } | { host: string; port: number; tokenFile: string };
  /** requirepass: '' = none; protectedMode: refuse remote clients while there is no password. */
  store: {
    enabled: boolean;
    host: string;
    port: number;
    requirepass: string;
    protectedMode: boolean;
    persistence: StorePersistenceConfig;
    aof: AofOptions;
    /** CONFIG parameters from a redis.conf-style file and the flags, applied at start in order. */
    settings: StartupSetting[];
    /** The redis.conf-style file started from (absolute), for CONFIG REWRITE; null: none. */
    configFile: ConfigFileRef | null;
  };
}

/** RDB persistence settings, Redis's directives (save, dir, dbfilename, ...). */
export interface StorePersistenceConfig {
  save: string;
  dir: string;
  dbfilename: string;
  rdbcompression: boolean;
  rdbchecksum: boolean;
  stopWritesOnBgsaveError: boolean;
}

/** The config file and the flags: everything optional, sizes as numbers or strings with units. */
export interface ServiceConfigInput {
  pmem?: string;
  dram?: string;
  threshold?: number | string;
  limits?: { dram?: number | string; pmem?: number | string };
  policy?: string;
  /** Target DRAM:PMem ratio such as '1:4' (the same as controller.targetShare). */
  ratio?: string;
  /** `enabled`, and any controller parameter (CONTROLLER_PARAMS): numbers, or strings with units. */
  controller?: { enabled?: boolean } & { [K in ControllerParamName]?: number | string };
  metrics?: { enabled?: boolean; host?: string; port?: number; processMetrics?: boolean };
  admin?: { socket?: string; host?: string; port?: number; tokenFile?: string };
  store?: {
    enabled?: boolean;
    host?: string;
    port?: number;
    requirepass?: string;
    protectedMode?: boolean;
    /** Redis's `save` directive, e.g. "3600 1 300 100 60 10000"; "" disables save points. */
    save?: string;
    dir?: string;
    dbfilename?: string;
    /** yes/no (or a boolean), as in redis.conf. */
    rdbcompression?: boolean | string;
    rdbchecksum?: boolean | string;
    stopWritesOnBgsaveError?: boolean | string;
    /** redis.conf's AOF directives: yes/no (or booleans), always|everysec|no, names. */
    appendonly?: boolean | string;
    appendfsync?: string;
    appenddirname?: string;
    appendfilename?: string;
    aofLoadTruncated?: boolean | string;
  };
}

export const DEFAULT_STORE_PORT = 6379;

const bad = (message: string): TiermemError => new TiermemError('ERR_TIERMEM_INVALID_ARG', message);

function port(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535)
    throw bad(`${what} must be a port number 0-65535, got ${JSON.stringify(v)}`);
  return v;
}

function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw bad(`${what} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw bad(`${what} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function size(v: unknown, what: string): number {
  if (typeof v !== 'number' && typeof v !== 'string')
    throw bad(`${what} must be a size such as 4096 or '8GiB', got ${JSON.stringify(v)}`);
  return parseSize(v, what);
}

function onlyKeys(o: unknown, allowed: readonly string[], where: string): Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(`${where} must be an object`);
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      throw bad(`unknown setting '${where === 'config' ? k : `${where}.${k}`}'; known: ${allowed.join(', ')}`);
  }
  return o as Record<string, unknown>;
}

/** Read a JSON config file; errors name the file. */
export function readConfigFile(path: string): ServiceConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw bad(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as ServiceConfigInput;
  } catch (e) {
    throw bad(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

const CONTROLLER_KEYS: readonly string[] = ['enabled', ...CONTROLLER_PARAM_NAMES];

/** Merge the layers (later wins) and validate into a full configuration. */
export function resolveConfig(...layers: ServiceConfigInput[]): ServiceConfig {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    const l = {
      ...onlyKeys(
        layer,
        ['pmem', 'dram', 'threshold', 'limits', 'policy', 'ratio', 'controller', 'metrics', 'admin', 'store'],
        'config',
      ),
    };
    // `ratio` is controller.targetShare written as a ratio; within a layer, one of the two.
    if (l.ratio !== undefined) {
      const ctl = onlyKeys(l.controller ?? {}, CONTROLLER_KEYS, 'controller');
      if (ctl.targetShare !== undefined) throw bad('give either ratio or controller.targetShare, not both');
      l.controller = { ...ctl, targetShare: ratioToShare(parseRatio(str(l.ratio, 'ratio'))) };
      delete l.ratio;
    }
    for (const [k, v] of Object.entries(l)) {
      if (v === undefined) continue;
      const prev = merged[k];
      merged[k] =
        typeof v === 'object' && v !== null && typeof prev === 'object' && prev !== null ? { ...prev, ...v } : v;
    }
  }
  const c = merged as ServiceConfigInput;

  const dram = parseChoice(DRAM_KINDS, c.dram ?? 'regular', 'dram');
  const policy = parseChoice(POLICIES, c.policy ?? 'spill', 'policy');
  const limits = onlyKeys(c.limits ?? {}, ['dram', 'pmem'], 'limits');

  const ctl = onlyKeys(c.controller ?? {}, CONTROLLER_KEYS, 'controller');
  const params: Partial<ControllerParams> = {};
  for (const d of CONTROLLER_PARAMS) {
    if (ctl[d.name] !== undefined) params[d.name] = parseParam(d, ctl[d.name], `controller.${d.name}`);
  }
  mergeParams(DEFAULT_CONTROLLER_PARAMS, params); // as a whole (min above max) before anything starts

  const m = onlyKeys(c.metrics ?? {}, ['enabled', 'host', 'port', 'processMetrics'], 'metrics');
  const a = onlyKeys(c.admin ?? {}, ['socket', 'host', 'port', 'tokenFile'], 'admin');
  const s = onlyKeys(
    c.store ?? {},
    [
      'enabled',
      'host',
      'port',
      'requirepass',
      'protectedMode',
      'save',
      'dir',
      'dbfilename',
      'rdbcompression',
      'rdbchecksum',
      'stopWritesOnBgsaveError',
      'appendonly',
      'appendfsync',
      'appenddirname',
      'appendfilename',
      'aofLoadTruncated',
    ],
    'store',
  );

  let admin: ServiceConfig['admin'];
  if (a.port !== undefined || a.tokenFile !== undefined) {
    if (a.socket !== undefined) throw bad('admin: give either socket, or port and tokenFile (loopback HTTP), not both');
    if (a.tokenFile === undefined)
      throw bad('admin: the HTTP admin API needs tokenFile (a file holding the bearer token)');
    admin = {
      host: a.host === undefined ? '127.0.0.1' : str(a.host, 'admin.host'),
      port: port(a.port ?? 0, 'admin.port'),
      tokenFile: str(a.tokenFile, 'admin.tokenFile'),
    };
  } else {
    admin = { socketPath: a.socket === undefined ? defaultSocketPath() : str(a.socket, 'admin.socket') };
  }

  return {
    allocator: {
      pmem: c.pmem === undefined ? 'auto' : str(c.pmem, 'pmem'),
      dram,
      threshold: c.threshold === undefined ? DEFAULT_THRESHOLD : size(c.threshold, 'threshold'),
      limits: {
        dram: limits.dram === undefined ? 0 : size(limits.dram, 'limits.dram'),
        pmem: limits.pmem === undefined ? 0 : size(limits.pmem, 'limits.pmem'),
      },
      policy,
    },
    controller: { enabled: ctl.enabled === undefined ? true : bool(ctl.enabled, 'controller.enabled'), params },
    metrics: {
      enabled: m.enabled === undefined ? true : bool(m.enabled, 'metrics.enabled'),
      host: m.host === undefined ? '127.0.0.1' : str(m.host, 'metrics.host'),
      port: m.port === undefined ? DEFAULT_METRICS_PORT : port(m.port, 'metrics.port'),
      processMetrics: m.processMetrics === undefined ? false : bool(m.processMetrics, 'metrics.processMetrics'),
    },
    admin,
    store: {
      enabled: s.enabled === undefined ? true : bool(s.enabled, 'store.enabled'),
      host: s.host === undefined ? '127.0.0.1' : str(s.host, 'store.host'),
      port: s.port === undefined ? DEFAULT_STORE_PORT : port(s.port, 'store.port'),
      requirepass: s.requirepass === undefined ? '' : str(s.requirepass, 'store.requirepass'),
      protectedMode: s.protectedMode === undefined ? true : bool(s.protectedMode, 'store.protectedMode'),
      persistence: {
        save: s.save === undefined ? '' : savePoints(s.save),
        dir: s.dir === undefined ? '.' : str(s.dir, 'store.dir'),
        dbfilename: s.dbfilename === undefined ? 'dump.rdb' : filename(s.dbfilename),
        rdbcompression: s.rdbcompression === undefined ? true : yesNo(s.rdbcompression, 'store.rdbcompression'),
        rdbchecksum: s.rdbchecksum === undefined ? true : yesNo(s.rdbchecksum, 'store.rdbchecksum'),
        stopWritesOnBgsaveError:
          s.stopWritesOnBgsaveError === undefined
            ? true
            : yesNo(s.stopWritesOnBgsaveError, 'store.stopWritesOnBgsaveError'),
      },
      aof: {
        enabled: s.appendonly === undefined ? false : yesNo(s.appendonly, 'store.appendonly'),
        dir: s.dir === undefined ? '.' : str(s.dir, 'store.dir'),
        dirname: s.appenddirname === undefined ? 'appendonlydir' : plainName(s.appenddirname, 'store.appenddirname'),
        filename:
          s.appendfilename === undefined ? 'appendonly.aof' : plainName(s.appendfilename, 'store.appendfilename'),
        fsync: s.appendfsync === undefined ? 'everysec' : fsyncMode(s.appendfsync),
        loadTruncated: s.aofLoadTruncated === undefined ? true : yesNo(s.aofLoadTruncated, 'store.aofLoadTruncated'),
      },
      settings: [],
      configFile: null,
    },
  };
}

/** redis.conf's yes/no, or a JSON boolean. */
function yesNo(v: unknown, what: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(yes|no)$/i.test(v)) return v.toLowerCase() === 'yes';
  throw bad(`${what} must be yes or no, got ${JSON.stringify(v)}`);
}

/** The `save` directive: pairs of "<seconds> <changes>", or "". */
function savePoints(v: unknown): string {
  if (typeof v !== 'string') throw bad(`store.save must be a string, got ${JSON.stringify(v)}`);
  const t = v.trim();
  const parts = t === '' ? [] : t.split(/\s+/);
  if (parts.length % 2 !== 0 || parts.some((p) => !/^\d+$/.test(p)))
    throw bad(
      `store.save must be pairs of "<seconds> <changes>" (e.g. "3600 1 300 100"), or "", got ${JSON.stringify(v)}`,
    );
  return parts.join(' ');
}

function filename(v: unknown): string {
  const f = str(v, 'store.dbfilename');
  if (f.includes('/')) throw bad("store.dbfilename can't be a path, just a filename");
  return f;
}

function fsyncMode(v: unknown): AppendFsync {
  const m = str(v, 'store.appendfsync').toLowerCase();
  if (m === 'always' || m === 'everysec' || m === 'no') return m;
  throw bad(`store.appendfsync must be always, everysec or no, got ${JSON.stringify(v)}`);
}

/** A file or directory name without a path (Redis refuses paths for appendfilename/appenddirname). */
function plainName(v: unknown, what: string): string {
  const f = str(v, what);
  if (f === '' || f.includes('/')) throw bad(`${what} can't be a path, just a filename`);
  return f;
}
