/** One per-minute rollup row (table `rollup`): the fields needed to merge windows, plus its key. */
export interface RollupRow {
  minute: Date;
  operation: string;
  variant: string;
  count: number;
  errors: number;
  fallbacks: number;
  cacheHits: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  memoryMeanBytes: number | null;
  /** Compressed base64 HDR histogram (server side only: the API leaves it out). */
  histogram: string;
}
