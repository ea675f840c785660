// One error type for everything tiermem throws, with a stable machine-readable code.

export type TiermemErrorCode =
  | 'ERR_TIERMEM_INVALID_ARG' // wrong type, NaN, negative, fractional, out of range
  | 'ERR_TIERMEM_INVALID_HANDLE' // freed, stale or forged handle
  | 'ERR_TIERMEM_OUT_OF_BOUNDS' // byte access outside the allocation's usable size
  | 'ERR_TIERMEM_NO_MEMORY' // no allowed tier could serve the allocation
  | 'ERR_TIERMEM_BACKEND' // the requested PMem backend is not available
  | 'ERR_TIERMEM_CLOSED' // the allocator was closed
  | 'ERR_TIERMEM_ADDON' // the native addon is not built (e.g. installed with --ignore-scripts) or fails to load
  | 'ERR_TIERMEM_INTERNAL';

export class TiermemError extends Error {
  readonly code: TiermemErrorCode;
  constructor(code: TiermemErrorCode, message: string) {
    super(message);
    this.name = 'TiermemError';
    this.code = code;
  }
}

/** True for errors thrown by tiermem (native errors carry the same codes). */
export function isTiermemError(e: unknown): e is Error & { code: TiermemErrorCode } {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as unknown as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_TIERMEM_');
}
