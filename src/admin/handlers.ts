// What each admin endpoint does. Handlers validate the whole request before changing anything.

import { Buffer } from 'node:buffer';
import { isTiermemError } from '../errors.js';
import { POLICIES, TIERS } from '../types.js';
import type { Allocator, Tier, TierStats } from '../types.js';
import { formatBytes, parseRatio, ratioToShare } from '../units.js';
import {
  CONTROLLER_PARAM_NAMES,
  CONTROLLER_PARAMS,
  checkParam,
  paramDescriptor,
  parseParam,
} from '../controller/params.js';
import type { ControllerParams, ControllerPort, ProfileReport } from '../service/ports.js';
import {
  API_PREFIX,
  type AdminErrorCode,
  type ControllerStatusReport,
  type StatsReport,
  type StatusReport,
  type StoreStatusReport,
  type TierStatus,
  type TraceResult,
  type TraceStatus,
} from './protocol.js';
import type { TraceSession } from './trace-session.js';
import { bytesText, limitText, logParamChanges, noChangeLog, type ChangeLog } from '../service/change-log.js';
import { checkKeys, invalid, numberField, oneOf, sizeField, tierField } from './validate.js';

export interface AdminContext {
  allocator: Allocator;
  controller: ControllerPort | null;
  traces: TraceSession;
  /** Where the service's other faces listen, for `tiermem status`. */
  endpoints: () => { metrics: string | null; store: string | null };
  /** The store's reads and migration counters, when the service runs a store. */
  store?: () => StoreStatusReport | null;
  /** BGSAVE STAT_MEMORY: the last profile, and starting one (a store with persistence). */
  profile?: {
    read(): ProfileReport | null;
    start(): 'started' | 'busy' | 'unavailable' | { error: string };
  };
  startedAt: number;
  /** Where run-time changes are logged (old -> new, and who). */
  changes?: ChangeLog;
}

/** An error with an HTTP status and a stable code, turned into an error response by the server. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Route {
  method: 'GET' | 'POST';
  /** `who`: the caller as the change log names it. */
  handle: (body: unknown, who: string) => unknown;
}

const MAX_TRACE_SECONDS = 24 * 3600;

const nullIfNaN = (x: number): number | null => (Number.isFinite(x) ? x : null);

function tierStatus(t: TierStats): TierStatus {
  return {
    liveBytes: t.liveBytes,
    liveCount: t.liveCount,
    allocs: t.allocs,
    frees: t.frees,
    failures: t.failures,
    fallbacks: t.fallbacks,
    forcedBytes: t.forcedBytes,
    limit: t.limit,
    byCategory: t.byCategory,
  };
}

function controllerReport(c: ControllerPort): ControllerStatusReport {
  return {
    status: c.status,
    params: { ...c.params },
    ticks: c.ticks,
    adjustments: { up: c.adjustments.up, down: c.adjustments.down },
    last: c.last ? { ...c.last } : null,
  };
}

export function createRoutes(ctx: AdminContext): Map<string, Route> {
  const { allocator, traces } = ctx;
  const changes = ctx.changes ?? noChangeLog;

  const controller = (): ControllerPort => {
    if (!ctx.controller) throw new AdminError(503, 'ERR_ADMIN_UNAVAILABLE', 'the service runs without a controller');
    return ctx.controller;
  };
  const noBody = (body: unknown): void => {
    checkKeys(body ?? {}, []);
  };
  /** Apply controller parameters; the controller validates them all and changes nothing on error. */
  const setParams = (p: Partial<ControllerParams>, who: string): ControllerStatusReport => {
    const c = controller();
    const before = { ...c.params };
    c.set(p);
    logParamChanges(changes, who, before, c.params);
    return controllerReport(c);
  };
  /** Pause or resume the controller, logging the change of status. */
  const steer = (c: ControllerPort, how: 'pause' | 'resume', who: string): void => {
    const before = c.status;
    c[how]();
    if ((before === 'paused') !== (c.status === 'paused')) changes(who, 'controller', before, c.status);
  };

  const routes = new Map<string, Route>();
  const add = (method: Route['method'], path: string, handle: Route['handle']): void => {
    routes.set(`${method} ${API_PREFIX}${path}`, { method, handle });
  };

  add('GET', '/status', (): StatusReport => {
    const s = allocator.stats();
    const info = allocator.info();
    const c = ctx.controller;
    return {
      version: info.version,
      memkindVersion: info.memkindVersion,
      backend: { dram: info.dram, pmem: info.pmem },
      policy: allocator.policy,
      threshold: s.threshold,
      dramShare: nullIfNaN(s.dramShare),
      targetShare: c ? c.params.targetShare : null,
      tiers: { dram: tierStatus(s.tiers.dram), pmem: tierStatus(s.tiers.pmem) },
      controller: c ? controllerReport(c) : null,
      trace: traces.status(),
      numa: info.numa,
      uptimeSeconds: (Date.now() - ctx.startedAt) / 1000,
      endpoints: ctx.endpoints(),
      store: ctx.store?.() ?? null,
    };
  });

  add('GET', '/stats', (): StatsReport => {
    const s = allocator.stats();
    const tier = (t: Tier) => ({ ...tierStatus(s.tiers[t]), liveHist: Array.from(s.tiers[t].liveHist) });
    return {
      threshold: s.threshold,
      dramShare: nullIfNaN(s.dramShare),
      tiers: { dram: tier('dram'), pmem: tier('pmem') },
      flowBytes: Array.from(s.flowBytes),
      flowCount: Array.from(s.flowCount),
    };
  });

  add('GET', '/info', () => allocator.info());

  // Target ratio: { ratio: '1:4' } or { share: 0.2 }.
  add('POST', '/ratio', (body, who) => {
    const b = checkKeys(body, ['ratio', 'share']);
    let share: number;
    if (b.ratio !== undefined && b.share !== undefined) throw invalid('give either ratio or share, not both');
    if (typeof b.ratio === 'string') share = ratioToShare(parseRatio(b.ratio));
    else if (b.ratio !== undefined)
      throw invalid(`ratio must be a string such as '1:4', got ${JSON.stringify(b.ratio)}`);
    else if (b.share !== undefined) share = checkParam(paramDescriptor('targetShare')!, b.share, 'share');
    else throw invalid("missing field 'ratio' (e.g. '1:4') or 'share' (0-1)");
    return setParams({ targetShare: share }, who);
  });

  // A fixed threshold pauses the controller (until resumed) so that it stays put. It must lie
  // within the threshold bounds: the controller's, or the parameter table's defaults without one.
  add('POST', '/threshold', (body, who) => {
    const b = checkKeys(body, ['bytes'], ['bytes']);
    const bytes = sizeField(b, 'bytes');
    const c = ctx.controller;
    const lo = c?.params.minThreshold ?? paramDescriptor('minThreshold')!.default;
    const hi = c?.params.maxThreshold ?? paramDescriptor('maxThreshold')!.default;
    if (bytes < lo || bytes > hi) {
      throw invalid(
        `threshold ${bytesText(bytes)} is outside the threshold bounds ${formatBytes(lo)} - ${formatBytes(hi)}` +
          (c ? ' (`tiermem set bounds` changes them)' : ''),
      );
    }
    const before = allocator.threshold;
    allocator.threshold = bytes; // validates in the facade; throws before anything changed
    changes(who, 'threshold', bytesText(before), bytesText(allocator.threshold));
    if (c) steer(c, 'pause', who);
    return { threshold: allocator.threshold, controller: c ? controllerReport(c) : null };
  });

  // Bounds as a pair; min above max is refused by the controller's own check.
  add('POST', '/bounds', (body, who) => {
    const b = checkKeys(body, ['min', 'max'], ['min', 'max']);
    const minThreshold = parseParam(paramDescriptor('minThreshold')!, sizeField(b, 'min'), 'min');
    const maxThreshold = parseParam(paramDescriptor('maxThreshold')!, sizeField(b, 'max'), 'max');
    return setParams({ minThreshold, maxThreshold }, who);
  });

  // Any controller parameters (CONTROLLER_PARAMS): period, gains, bounds, volume trigger, target.
  add('POST', '/controller', (body, who) => {
    const b = checkKeys(body, CONTROLLER_PARAM_NAMES);
    const p: Partial<ControllerParams> = {};
    for (const d of CONTROLLER_PARAMS) if (b[d.name] !== undefined) p[d.name] = parseParam(d, b[d.name]);
    if (Object.keys(p).length === 0) throw invalid(`give at least one of ${CONTROLLER_PARAM_NAMES.join(', ')}`);
    return setParams(p, who);
  });

  add('POST', '/controller/pause', (body, who) => {
    noBody(body);
    steer(controller(), 'pause', who);
    return controllerReport(controller());
  });
  add('POST', '/controller/resume', (body, who) => {
    noBody(body);
    steer(controller(), 'resume', who);
    return controllerReport(controller());
  });

  // A limit below what the tier already holds would send every new allocation of that tier to
  // the other one (spill) or fail it (strict) until enough is freed: refused unless forced.
  add('POST', '/limit', (body, who) => {
    const b = checkKeys(body, ['tier', 'bytes', 'force'], ['tier', 'bytes']);
    const tier = tierField(b, 'tier');
    const bytes = sizeField(b, 'bytes');
    if (b.force !== undefined && typeof b.force !== 'boolean') throw invalid('force must be true or false');
    const before = allocator.stats().tiers[tier];
    if (bytes !== 0 && bytes < before.liveBytes && b.force !== true) {
      throw new AdminError(
        409,
        'ERR_ADMIN_CONFLICT',
        `${tier} holds ${formatBytes(before.liveBytes)} live, more than the ${formatBytes(bytes)} limit asked: every new ` +
          `${tier} allocation would ${allocator.policy === 'spill' ? 'spill to the other tier' : 'fail (policy strict)'} ` +
          'until that much is freed; force it to set it anyway (tiermem set limit --force)',
      );
    }
    allocator.setLimit(tier, bytes);
    const s = allocator.stats();
    changes(who, `${tier} limit`, limitText(before.limit), limitText(s.tiers[tier].limit));
    return Object.fromEntries(TIERS.map((t) => [t, { limit: s.tiers[t].limit, liveBytes: s.tiers[t].liveBytes }]));
  });

  add('POST', '/policy', (body, who) => {
    const b = checkKeys(body, ['policy'], ['policy']);
    const before = allocator.policy;
    allocator.policy = oneOf(b, 'policy', POLICIES);
    changes(who, 'exhaustion policy', before, allocator.policy);
    return { policy: allocator.policy };
  });

  // BGSAVE STAT_MEMORY's profile: GET reads the last one, POST starts one (as the command does:
  // it writes dump.rdb) and returns at once; GET tells when it is done (running false).
  const noProfile = (): never => {
    throw new AdminError(503, 'ERR_ADMIN_UNAVAILABLE', 'the service runs no store engine (started with --no-store?)');
  };
  add('GET', '/profile', (): ProfileReport => ctx.profile?.read() ?? noProfile());
  add('POST', '/profile', (body, who): ProfileReport => {
    noBody(body);
    const r = ctx.profile?.start() ?? 'unavailable';
    if (r === 'unavailable') noProfile();
    if (r === 'busy')
      throw new AdminError(409, 'ERR_ADMIN_CONFLICT', 'a background save is in progress; try again when it ends');
    if (typeof r === 'object') throw new AdminError(500, 'ERR_ADMIN_INTERNAL', `BGSAVE STAT_MEMORY failed: ${r.error}`);
    changes(who, 'memory profile', 'idle', 'BGSAVE STAT_MEMORY started');
    return ctx.profile!.read() ?? noProfile();
  });

  // leaseSeconds: the recorder renews (POST /trace/renew) at least that often, or the recording is
  // dropped; so a recorder killed mid-run does not hold tracing for the rest of maxSeconds.
  add('POST', '/trace/start', (body, who) => {
    const b = checkKeys(body ?? {}, ['maxSeconds', 'leaseSeconds']);
    const maxSeconds = b.maxSeconds === undefined ? 3600 : numberField(b, 'maxSeconds', 1, MAX_TRACE_SECONDS);
    const lease = b.leaseSeconds === undefined ? undefined : numberField(b, 'leaseSeconds', 1, 3600);
    if (!traces.available)
      throw new AdminError(503, 'ERR_ADMIN_UNAVAILABLE', 'trace recording is not available in this service');
    if (traces.recording)
      throw new AdminError(
        409,
        'ERR_ADMIN_CONFLICT',
        'a trace is already being recorded; stop it first (tiermem record --stop, or POST /v1/trace/stop)',
      );
    traces.start(maxSeconds, lease);
    changes(who, 'trace recording', 'off', `on (at most ${maxSeconds} s)`);
    return traces.status();
  });

  add('POST', '/trace/renew', (body): TraceStatus => {
    noBody(body);
    if (!traces.renew())
      throw new AdminError(409, 'ERR_ADMIN_CONFLICT', 'no trace is being recorded (it was stopped or dropped)');
    return traces.status();
  });

  add('POST', '/trace/stop', (body, who): TraceResult => {
    noBody(body);
    const wasRecording = traces.recording;
    const t = traces.stop();
    if (t && wasRecording) changes(who, 'trace recording', 'on', `off (${t.events} events)`);
    if (!t)
      throw new AdminError(
        409,
        'ERR_ADMIN_CONFLICT',
        'no trace is being recorded; start one first (POST /v1/trace/start)',
      );
    return {
      events: t.events,
      bytes: t.data.byteLength,
      seconds: t.seconds,
      trace: Buffer.from(t.data).toString('base64'),
    };
  });

  return routes;
}

/** HTTP status for an error thrown by a handler. */
export function errorStatus(e: unknown): { status: number; code: AdminErrorCode; message: string } {
  if (e instanceof AdminError) return { status: e.status, code: e.code, message: e.message };
  if (isTiermemError(e)) {
    const code = e.code;
    const status = code === 'ERR_TIERMEM_INVALID_ARG' ? 400 : code === 'ERR_TIERMEM_CLOSED' ? 503 : 500;
    return { status, code, message: e.message };
  }
  return { status: 500, code: 'ERR_ADMIN_INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
