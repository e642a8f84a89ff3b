/** Summary of a set of timings, in the samples' own unit (milliseconds in the bench). */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p90: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of already sorted samples, interpolating linearly between the two
 * nearest ranks (the method spreadsheets and NumPy use by default).
 */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('No samples');
  if (q < 0 || q > 1) throw new RangeError(`Quantile ${q} is outside 0..1`);
  const rank = (sorted.length - 1) * q;
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (rank - below);
}

/** Median, p90, quartiles and range of the samples. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => quantileOfSorted(sorted, p);
  return {
    n: sorted.length,
    median: q(0.5),
    p90: q(0.9),
    p25: q(0.25),
    p75: q(0.75),
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
  };
}

/** Ratio of two summaries' medians: how many times the baseline's median the subject's is. */
export function medianRatio(subject: Summary, baseline: Summary): number {
  if (baseline.median <= 0) throw new RangeError('The baseline median must be positive');
  return subject.median / baseline.median;
}

/**
 * The ratios of paired samples, `subject[i] / baseline[i]`, summarized: with runs interleaved
 * round by round, the i-th samples of two variants ran moments apart and shared the machine's
 * load, so their ratio cancels most of the noise that a ratio of medians keeps.
 */
export function pairedRatios(subject: readonly number[], baseline: readonly number[]): Summary {
  if (subject.length !== baseline.length || subject.length === 0) {
    throw new RangeError(
      `Pairs need equal, non-zero counts (${subject.length} vs ${baseline.length})`,
    );
  }
  return summarize(
    subject.map((value, i) => {
      const base = baseline[i] as number;
      if (base <= 0) throw new RangeError('Baseline samples must be positive');
      return value / base;
    }),
  );
}

/**
 * Runs every task once per round, rotating which goes first so that none always profits from
 * (or pays for) the state the previous one left; returns each task's timings in milliseconds.
 */
export async function interleave<K extends string>(
  tasks: Readonly<Record<K, () => Promise<unknown>>>,
  rounds: number,
  now: () => number = () => performance.now(),
): Promise<Record<K, number[]>> {
  const names = Object.keys(tasks) as K[];
  const timings = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    K,
    number[]
  >;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length] as K;
      const started = now();
      await tasks[name]();
      timings[name].push(now() - started);
    }
  }
  return timings;
}
