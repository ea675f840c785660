// The store's data types, in the order of the C engine's owners (native/store/mem.h st_type), so
// that per-type counters read from the engine are indexed the same way.

export type DataType = 'string' | 'list' | 'set' | 'zset' | 'hash';
export const DATA_TYPES: readonly DataType[] = ['string', 'list', 'set', 'zset', 'hash'];
export const TYPE_COUNT = DATA_TYPES.length;
