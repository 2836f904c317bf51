/** Latency summary of one measured variant, in microseconds. */
export interface LatencySummary {
  count: number;
  medianUs: number;
  p99Us: number;
  meanUs: number;
  minUs: number;
  maxUs: number;
}

/**
 * The `p`-th percentile (0..100) of ascending `sorted` values, by nearest rank.
 * Returns NaN for an empty input.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Median, p99, mean, min and max of latency samples given in microseconds. */
export function summarize(samplesUs: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samplesUs).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    medianUs: percentile(sorted, 50),
    p99Us: percentile(sorted, 99),
    meanUs: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    minUs: sorted.length === 0 ? Number.NaN : sorted[0]!,
    maxUs: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

/**
 * Ratio of `a` to `b` robust to drift: samples come in blocks of `blockSize`
 * measured at about the same time (block i of `a` next to block i of `b`); the
 * result is the median over blocks of median(a block) / median(b block).
 */
export function pairedRatio(a: Float64Array, b: Float64Array, blockSize: number): number {
  const blocks = Math.min(Math.floor(a.length / blockSize), Math.floor(b.length / blockSize));
  const ratios: number[] = [];
  for (let block = 0; block < blocks; block++) {
    const range = (samples: Float64Array) => samples.subarray(block * blockSize, (block + 1) * blockSize);
    ratios.push(summarize(range(a)).medianUs / summarize(range(b)).medianUs);
  }
  return summarize(ratios).medianUs;
}

/**
 * Like {@link pairedRatio}, with block means instead of block medians: the median over blocks of
 * mean(a block) / mean(b block). A mean that drift (other load on the machine) cannot bias between
 * variants measured in interleaved blocks.
 */
export function pairedMeanRatio(a: Float64Array, b: Float64Array, blockSize: number): number {
  const blocks = Math.min(Math.floor(a.length / blockSize), Math.floor(b.length / blockSize));
  const ratios: number[] = [];
  for (let block = 0; block < blocks; block++) {
    const range = (samples: Float64Array) => samples.subarray(block * blockSize, (block + 1) * blockSize);
    ratios.push(summarize(range(a)).meanUs / summarize(range(b)).meanUs);
  }
  return summarize(ratios).medianUs;
}
