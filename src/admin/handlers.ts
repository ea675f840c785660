// What each admin endpoint does. Handlers validate the whole request before changing anything.

import { Buffer } from 'node:buffer';
import { isTiermemError } from '../errors.js';
import { POLICIES, TIERS } from '../types.js';
import type { Allocator, Tier, TierStats } from '../types.js';
import { parseRatio, ratioToShare } from '../units.js';
import {
  CONTROLLER_PARAM_NAMES,
  CONTROLLER_PARAMS,
  checkParam,
  paramDescriptor,
  parseParam,
} from '../controller/params.js';
import type { ControllerParams, ControllerPort } from '../service/ports.js';
import {
  API_PREFIX,
  type AdminErrorCode,
  type ControllerStatusReport,
  type StatsReport,
  type StatusReport,
  type TierStatus,
  type TraceResult,
} from './protocol.js';
import type { TraceSession } from './trace-session.js';
import { checkKeys, invalid, numberField, oneOf, sizeField, tierField } from './validate.js';

export interface AdminContext {
  allocator: Allocator;
  controller: ControllerPort | null;
  traces: TraceSession;
  /** Where the service's other faces listen, for `tiermem status`. */
  endpoints: () => { metrics: string | null; store: string | null };
  startedAt: number;
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
  handle: (body: unknown) => unknown;
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

  const controller = (): ControllerPort => {
    if (!ctx.controller) throw new AdminError(503, 'ERR_ADMIN_UNAVAILABLE', 'the service runs without a controller');
    return ctx.controller;
  };
  const noBody = (body: unknown): void => {
    checkKeys(body ?? {}, []);
  };
  /** Apply controller parameters; the controller validates them all and changes nothing on error. */
  const setParams = (p: Partial<ControllerParams>): ControllerStatusReport => {
    const c = controller();
    c.set(p);
    return controllerReport(c);
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
  add('POST', '/ratio', (body) => {
    const b = checkKeys(body, ['ratio', 'share']);
    let share: number;
    if (b.ratio !== undefined && b.share !== undefined) throw invalid('give either ratio or share, not both');
    if (typeof b.ratio === 'string') share = ratioToShare(parseRatio(b.ratio));
    else if (b.ratio !== undefined)
      throw invalid(`ratio must be a string such as '1:4', got ${JSON.stringify(b.ratio)}`);
    else if (b.share !== undefined) share = checkParam(paramDescriptor('targetShare')!, b.share, 'share');
    else throw invalid("missing field 'ratio' (e.g. '1:4') or 'share' (0-1)");
    return setParams({ targetShare: share });
  });

  // A fixed threshold pauses the controller (until resumed) so that it stays put.
  add('POST', '/threshold', (body) => {
    const b = checkKeys(body, ['bytes'], ['bytes']);
    const bytes = sizeField(b, 'bytes');
    const c = ctx.controller;
    allocator.threshold = bytes; // validates in the facade; throws before anything changed
    c?.pause();
    return { threshold: allocator.threshold, controller: c ? controllerReport(c) : null };
  });

  // Bounds as a pair; min above max is refused by the controller's own check.
  add('POST', '/bounds', (body) => {
    const b = checkKeys(body, ['min', 'max'], ['min', 'max']);
    const minThreshold = parseParam(paramDescriptor('minThreshold')!, sizeField(b, 'min'), 'min');
    const maxThreshold = parseParam(paramDescriptor('maxThreshold')!, sizeField(b, 'max'), 'max');
    return setParams({ minThreshold, maxThreshold });
  });

  // Any controller parameters (CONTROLLER_PARAMS): period, gains, bounds, volume trigger, target.
  add('POST', '/controller', (body) => {
    const b = checkKeys(body, CONTROLLER_PARAM_NAMES);
    const p: Partial<ControllerParams> = {};
    for (const d of CONTROLLER_PARAMS) if (b[d.name] !== undefined) p[d.name] = parseParam(d, b[d.name]);
    if (Object.keys(p).length === 0) throw invalid(`give at least one of ${CONTROLLER_PARAM_NAMES.join(', ')}`);
    return setParams(p);
  });

  add('POST', '/controller/pause', (body) => {
    noBody(body);
    controller().pause();
    return controllerReport(controller());
  });
  add('POST', '/controller/resume', (body) => {
    noBody(body);
    controller().resume();
    return controllerReport(controller());
  });

  add('POST', '/limit', (body) => {
    const b = checkKeys(body, ['tier', 'bytes'], ['tier', 'bytes']);
    const tier = tierField(b, 'tier');
    const bytes = sizeField(b, 'bytes');
    allocator.setLimit(tier, bytes);
    const s = allocator.stats();
    return Object.fromEntries(TIERS.map((t) => [t, { limit: s.tiers[t].limit, liveBytes: s.tiers[t].liveBytes }]));
  });

  add('POST', '/policy', (body) => {
    const b = checkKeys(body, ['policy'], ['policy']);
    allocator.policy = oneOf(b, 'policy', POLICIES);
    return { policy: allocator.policy };
  });

  add('POST', '/trace/start', (body) => {
    const b = checkKeys(body ?? {}, ['maxSeconds']);
    const maxSeconds = b.maxSeconds === undefined ? 3600 : numberField(b, 'maxSeconds', 1, MAX_TRACE_SECONDS);
    if (!traces.available)
      throw new AdminError(503, 'ERR_ADMIN_UNAVAILABLE', 'trace recording is not available in this service');
    if (traces.recording)
      throw new AdminError(
        409,
        'ERR_ADMIN_CONFLICT',
        'a trace is already being recorded; stop it first (POST /v1/trace/stop)',
      );
    traces.start(maxSeconds);
    return traces.status();
  });

  add('POST', '/trace/stop', (body): TraceResult => {
    noBody(body);
    const t = traces.stop();
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
