// Run-time parameters of the ratio controller, described once. Each row of CONTROLLER_PARAMS
// gives a parameter's name, default, range, unit and kind; everything else is derived from it:
// the ControllerParams type, the defaults, mergeParams' validation, the `controller` section of
// the service config file, the `tiermem serve` flags, the admin API's POST /v1/controller and
// `tiermem set`. Adding a parameter is one row here (and its use in the control law).

import { TiermemError } from '../errors.js';
import { formatBytes, parseRatio, parseSize, ratioToShare } from '../units.js';

/**
 * How a value is written and checked. 'number': any finite number; 'integer': a whole number;
 * 'size': a whole number of bytes, also written with units ('4KiB'); 'share': a fraction 0-1, also
 * written as a DRAM:PMEM ratio ('1:4' is 0.2).
 */
export type ParamKind = 'number' | 'integer' | 'size' | 'share';

export interface ParamDescriptor<N extends string = string> {
  readonly name: N;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** What the number counts, for messages and help ('' for a plain gain). */
  readonly unit: string;
  readonly kind: ParamKind;
  /** The `tiermem serve` flag without its dashes; the name in kebab case unless given. */
  readonly flag: string;
  readonly description: string;
}

/** Largest threshold accepted: the native core's largest request (2^46 bytes). */
export const MAX_THRESHOLD = 2 ** 46;
/** Longest timer period accepted: an hour. */
const MAX_PERIOD_MS = 3_600_000;

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function param<N extends string>(
  name: N,
  kind: ParamKind,
  dflt: number,
  min: number,
  max: number,
  unit: string,
  description: string,
  flag: string = kebab(name),
): ParamDescriptor<N> {
  return { name, kind, default: dflt, min, max, unit, flag, description };
}

// One row per parameter: name, kind, default, min, max, unit, description[, serve flag].
// prettier-ignore
export const CONTROLLER_PARAMS = [
  param('targetShare', 'share', 0.2, 0, 1, 'share', 'wanted DRAM share of all live bytes (DRAM:PMEM 1:4 is 0.2)', 'ratio'),
  param('periodMs', 'number', 100, 1, MAX_PERIOD_MS, 'ms', 'timer period of the live controller'),
  param('minThreshold', 'size', 0, 0, MAX_THRESHOLD, 'bytes', 'lowest threshold the controller may set'),
  param('maxThreshold', 'size', 2 ** 40, 0, MAX_THRESHOLD, 'bytes', 'highest threshold the controller may set'),
  param('kp', 'number', 0.8, 0, 1, '', 'out of the band: fraction of the live-share error removed per tick through the flow (1 = deadbeat)'),
  param('ki', 'number', 0.1, 0, 1, '', 'out of the band: gain of the integral term that learns the residual bias of the size map'),
  param('trimKp', 'number', 10, 0, 1000, '', 'inside the band (the trim): flow share per unit of live-share error'),
  param('trimKi', 'number', 100, 0, 10_000, '', 'inside the band: flow share per unit of error and of stock turnover'),
  param('volumeBytes', 'size', 64 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER, 'bytes', 'most routed bytes between early ticks (they come after 0.5% of the live stock); 0 = off'),
  param('migrateRate', 'size', 32 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER, 'bytes/s', 'most bytes per second the controller asks the migrator to move between tiers when the allocation flow cannot hold the split soon enough (where a migrator is attached: the store); 0 = off'),
] as const;

export type ControllerParamName = (typeof CONTROLLER_PARAMS)[number]['name'];

/** The controller's run-time parameters (see CONTROLLER_PARAMS for each one's meaning and range). */
export type ControllerParams = { [K in ControllerParamName]: number };

export const CONTROLLER_PARAM_NAMES: readonly ControllerParamName[] = CONTROLLER_PARAMS.map((d) => d.name);

const BY_NAME = new Map<string, ParamDescriptor<ControllerParamName>>(CONTROLLER_PARAMS.map((d) => [d.name, d]));

/** The descriptor of a parameter, or undefined for an unknown name. */
export function paramDescriptor(name: string): ParamDescriptor<ControllerParamName> | undefined {
  return BY_NAME.get(name);
}

export const DEFAULT_CONTROLLER_PARAMS: Readonly<ControllerParams> = Object.freeze(
  Object.fromEntries(CONTROLLER_PARAMS.map((d) => [d.name, d.default])) as ControllerParams,
);

function bad(message: string): never {
  throw new TiermemError('ERR_TIERMEM_INVALID_ARG', message);
}

/** A parameter's range for help texts: '0-1', '1-3600000 ms', '0 B-64.0 TiB', '0-1 or D:P'. */
export function describeRange(d: ParamDescriptor): string {
  if (d.kind === 'size') return `${formatBytes(d.min)}-${formatBytes(d.max)}`;
  if (d.kind === 'share') return `${d.min}-${d.max} or DRAM:PMEM`;
  return `${d.min}-${d.max}${d.unit === '' ? '' : ` ${d.unit}`}`;
}

/** Check a number against a parameter's kind and range; `what` names it in the message. */
export function checkParam(d: ParamDescriptor, v: unknown, what: string = d.name): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${what} must be a finite number, got ${JSON.stringify(v)}`);
  if ((d.kind === 'integer' || d.kind === 'size') && !Number.isInteger(v)) {
    bad(`${what} must be an integer${d.kind === 'size' ? ' number of bytes' : ''}, got ${v}`);
  }
  if (v < d.min || v > d.max)
    bad(`${what} must be between ${d.min} and ${d.max}${d.unit === 'ms' ? ' ms' : ''}, got ${v}`);
  return v;
}

/**
 * A parameter's value as written in a config file, a request body or on a command line: a number,
 * or a string (a number; a size with units for 'size'; a DRAM:PMEM ratio or a number for 'share').
 * Checked against the kind and range; throws ERR_TIERMEM_INVALID_ARG naming `what`.
 */
export function parseParam(d: ParamDescriptor, v: unknown, what: string = d.name): number {
  if (typeof v === 'string') {
    if (d.kind === 'size') return checkParam(d, parseSize(v, what), what);
    if (d.kind === 'share' && v.includes(':')) return checkParam(d, ratioToShare(parseRatio(v)), what);
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) bad(`${what} '${v}' is not a number`);
    return checkParam(d, n, what);
  }
  return checkParam(d, v, what);
}

/**
 * Merge `patch` over `base` and validate the result as a whole (so min > max is caught whichever
 * side changed). Throws ERR_TIERMEM_INVALID_ARG and returns nothing on any bad value, which is
 * what lets callers apply a patch all-or-nothing.
 */
export function mergeParams(base: Readonly<ControllerParams>, patch: Partial<ControllerParams> = {}): ControllerParams {
  if (typeof patch !== 'object' || patch === null) bad('controller parameters must be an object');
  for (const k of Object.keys(patch)) {
    if (!BY_NAME.has(k)) bad(`unknown controller parameter '${k}'; known: ${CONTROLLER_PARAM_NAMES.join(', ')}`);
  }
  const p: ControllerParams = { ...base };
  for (const d of CONTROLLER_PARAMS) {
    const v = patch[d.name];
    if (v !== undefined) p[d.name] = v;
    checkParam(d, p[d.name], `controller ${d.name}`);
  }
  if (p.minThreshold > p.maxThreshold) {
    bad(`controller minThreshold ${p.minThreshold} is above maxThreshold ${p.maxThreshold}`);
  }
  return p;
}
