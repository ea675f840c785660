// Run-time parameters of the ratio controller, their defaults and their validation.

import { TiermemError } from '../errors.js';

export interface ControllerParams {
  /** Wanted DRAM share of all live bytes, 0-1 (1:4 -> 0.2). */
  targetShare: number;
  /** Timer period of the live controller in milliseconds. */
  periodMs: number;
  /** Bounds of the routing threshold in bytes; the controller clamps into them. */
  minThreshold: number;
  maxThreshold: number;
  /** Out of the band: fraction of the live-share error removed per tick through the flow
   *  (1 = deadbeat). */
  kp: number;
  /** Out of the band: gain of the integral term that learns the residual bias of the size map. */
  ki: number;
  /** Inside the band (the trim): proportional gain, flow share per unit of live-share error
   *  (10: a split 0.1 point too high sends 1 point less of the flow to DRAM). */
  trimKp: number;
  /** Inside the band: integral gain, flow share per unit of error and of stock turnover. */
  trimKi: number;
  /** Most routed bytes between early ticks (they come after 0.5% of the live stock), 0 = off. */
  volumeBytes: number;
}

/** Largest threshold accepted: the native core's largest request (2^46 bytes). */
export const MAX_THRESHOLD = 2 ** 46;

export const DEFAULT_CONTROLLER_PARAMS: Readonly<ControllerParams> = Object.freeze({
  targetShare: 0.2,
  periodMs: 100,
  minThreshold: 0,
  maxThreshold: 2 ** 40,
  kp: 0.8,
  ki: 0.1,
  trimKp: 10,
  trimKi: 100,
  volumeBytes: 64 * 1024 * 1024,
});

const KEYS: readonly (keyof ControllerParams)[] = [
  'targetShare', 'periodMs', 'minThreshold', 'maxThreshold', 'kp', 'ki', 'trimKp', 'trimKi', 'volumeBytes',
];

function bad(message: string): never {
  throw new TiermemError('ERR_TIERMEM_INVALID_ARG', message);
}

function checkRange(name: string, v: unknown, lo: number, hi: number, integer: boolean): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(`controller ${name} must be a finite number, got ${String(v)}`);
  if (integer && !Number.isInteger(v)) bad(`controller ${name} must be an integer, got ${v}`);
  if (v < lo || v > hi) bad(`controller ${name} must be in [${lo}, ${hi}], got ${v}`);
}

/**
 * Merge `patch` over `base` and validate the result as a whole (so min > max is caught whichever
 * side changed). Throws ERR_TIERMEM_INVALID_ARG and returns nothing on any bad value, which is
 * what lets callers apply a patch all-or-nothing.
 */
export function mergeParams(base: Readonly<ControllerParams>, patch: Partial<ControllerParams> = {}): ControllerParams {
  if (typeof patch !== 'object' || patch === null) bad('controller parameters must be an object');
  for (const k of Object.keys(patch)) {
    if (!(KEYS as readonly string[]).includes(k)) bad(`unknown controller parameter '${k}'`);
  }
  const p: ControllerParams = { ...base };
  for (const k of KEYS) {
    const v = patch[k];
    if (v !== undefined) p[k] = v;
  }
  checkRange('targetShare', p.targetShare, 0, 1, false);
  checkRange('periodMs', p.periodMs, 1, 2 ** 31 - 1, false);
  checkRange('minThreshold', p.minThreshold, 0, MAX_THRESHOLD, true);
  checkRange('maxThreshold', p.maxThreshold, 0, MAX_THRESHOLD, true);
  if (p.minThreshold > p.maxThreshold) bad(`controller minThreshold ${p.minThreshold} is above maxThreshold ${p.maxThreshold}`);
  checkRange('kp', p.kp, 0, 1, false);
  checkRange('ki', p.ki, 0, 1, false);
  checkRange('trimKp', p.trimKp, 0, 1000, false);
  checkRange('trimKi', p.trimKi, 0, 10000, false);
  checkRange('volumeBytes', p.volumeBytes, 0, Number.MAX_SAFE_INTEGER, true);
  return p;
}
