// The store's data types as small integers, so per-type counters are array indexes.

export const STRING = 0;
export const LIST = 1;
export const SET = 2;
export const HASH = 3;

export type DataType = 'string' | 'list' | 'set' | 'hash';
export const DATA_TYPES: readonly DataType[] = ['string', 'list', 'set', 'hash'];
export const TYPE_COUNT = 4;
