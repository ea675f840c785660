// The controller parameter table (src/controller/params.ts) is the one description of each
// parameter: the controller's own validation, the config file and the serve flags all take their
// names and ranges from it. (The admin API and `tiermem set` are checked in admin/cli tests.)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTROLLER_PARAMS,
  DEFAULT_CONTROLLER_PARAMS,
  mergeParams,
  parseParam,
  type ControllerParams,
} from '../src/controller/params.js';
import { resolveConfig } from '../src/service/config.js';

const invalid = expect.objectContaining({ code: 'ERR_TIERMEM_INVALID_ARG' }) as Error;

/** A patch that sets `name` to `v` and keeps min <= max true whatever v is. */
function patch(name: keyof ControllerParams, v: number): Partial<ControllerParams> {
  if (name === 'minThreshold')
    return { minThreshold: v, maxThreshold: Math.max(v, DEFAULT_CONTROLLER_PARAMS.maxThreshold) };
  if (name === 'maxThreshold')
    return { maxThreshold: v, minThreshold: Math.max(0, Math.min(v, DEFAULT_CONTROLLER_PARAMS.minThreshold)) };
  return { [name]: v };
}

describe('controller parameter table', () => {
  it('gives every parameter a default inside its range', () => {
    for (const d of CONTROLLER_PARAMS) {
      expect(DEFAULT_CONTROLLER_PARAMS[d.name], d.name).toBe(d.default);
      expect(d.default, d.name).toBeGreaterThanOrEqual(d.min);
      expect(d.default, d.name).toBeLessThanOrEqual(d.max);
    }
    expect(mergeParams(DEFAULT_CONTROLLER_PARAMS)).toEqual(DEFAULT_CONTROLLER_PARAMS);
  });

  it('mergeParams and the config file accept each range end and refuse just past it', () => {
    for (const d of CONTROLLER_PARAMS) {
      const over = d.max === Number.MAX_SAFE_INTEGER ? Infinity : d.max + (d.kind === 'size' ? 1 : d.max * 0.5 || 1);
      const under = d.min - 1;
      expect(mergeParams(DEFAULT_CONTROLLER_PARAMS, patch(d.name, d.max))[d.name], d.name).toBe(d.max);
      expect(mergeParams(DEFAULT_CONTROLLER_PARAMS, patch(d.name, d.min))[d.name], d.name).toBe(d.min);
      expect(() => mergeParams(DEFAULT_CONTROLLER_PARAMS, patch(d.name, over)), `${d.name} ${over}`).toThrow(invalid);
      expect(() => mergeParams(DEFAULT_CONTROLLER_PARAMS, patch(d.name, under)), `${d.name} ${under}`).toThrow(invalid);

      const cfg = (v: number) => resolveConfig({ controller: patch(d.name, v) }).controller.params[d.name];
      expect(cfg(d.max), d.name).toBe(d.max);
      if (Number.isFinite(over))
        expect(() => cfg(over), d.name).toThrow(new RegExp(`controller\\.${d.name} must be between`));
      expect(() => cfg(under), d.name).toThrow(new RegExp(`controller\\.${d.name} must be between`));
    }
  });

  it('reads sizes with units, shares as ratios, and refuses fractions of a byte', () => {
    const d = (name: string) => CONTROLLER_PARAMS.find((p) => p.name === name)!;
    expect(parseParam(d('volumeBytes'), '1MiB')).toBe(1 << 20);
    expect(parseParam(d('targetShare'), '1:4')).toBe(0.2);
    expect(parseParam(d('kp'), '0.5')).toBe(0.5);
    expect(() => parseParam(d('kp'), 'NaN')).toThrow(/kp 'NaN' is not a number/);
    expect(() => parseParam(d('minThreshold'), 1.5)).toThrow(/must be an integer number of bytes/);
  });

  it('checks min above max once, in mergeParams, also for a config file', () => {
    expect(() => mergeParams(DEFAULT_CONTROLLER_PARAMS, { minThreshold: 5000, maxThreshold: 4000 })).toThrow(
      /minThreshold 5000 is above maxThreshold 4000/,
    );
    expect(() => resolveConfig({ controller: { minThreshold: '1MiB', maxThreshold: 64 } })).toThrow(
      /minThreshold 1048576 is above maxThreshold 64/,
    );
  });

  it("takes the target as `ratio` or controller.targetShare, one per layer; a later layer's wins", () => {
    expect(resolveConfig({ ratio: '1:1' }).controller.params.targetShare).toBe(0.5);
    expect(resolveConfig({ controller: { targetShare: 0.25 } }).controller.params.targetShare).toBe(0.25);
    expect(resolveConfig({ ratio: '1:1' }, { controller: { targetShare: '1:4' } }).controller.params.targetShare).toBe(
      0.2,
    );
    expect(() => resolveConfig({ ratio: '1:1', controller: { targetShare: 0.3 } })).toThrow(
      /either ratio or controller.targetShare/,
    );
    expect(() => resolveConfig({ controller: { colour: 1 } as never })).toThrow(/unknown setting 'controller.colour'/);
  });

  const main = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
  it('has a `tiermem serve` flag for every parameter', () => {
    expect(existsSync(main), `${main} is missing: run npx tsc -p tsconfig.json first (npm test does)`).toBe(true);
    const help = execFileSync(process.execPath, [main, 'serve', '--help'], {
      encoding: 'utf8',
      env: { ...process.env, COLUMNS: '200' },
    });
    for (const d of CONTROLLER_PARAMS) expect(help, d.name).toContain(`--${d.flag} <`);
  });
});
