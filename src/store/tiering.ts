// What the store needs of the ratio controller, typed structurally so that src/controller's
// LiveController fits without the store importing it (and a service may run without one).

export interface TieringControllerParams {
  /** Wanted DRAM share of all live bytes, 0-1. */
  targetShare: number;
  minThreshold: number;
  maxThreshold: number;
}

export interface TieringController {
  readonly params: Readonly<TieringControllerParams>;
  /** e.g. 'on-target', 'converging', 'unreachable', 'paused'. */
  readonly status: string;
  /** Validates and applies all-or-nothing; throws on a bad value. */
  set(p: Partial<TieringControllerParams>): void;
  pause(): void;
  resume(): void;
}
