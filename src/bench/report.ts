import type { ColdStartRun } from './cold-start.js';
import { pairedRatios, type Summary, summarize } from './stats.js';

/** One measured figure compared with its baseline from the same run, pair by pair. */
export interface Comparison {
  readonly name: string;
  readonly subject: Summary;
  readonly baselineName: string;
  readonly baseline: Summary;
  /** Median of the per-pair ratios. */
  readonly ratio: number;
  /** Interquartile range of the per-pair ratios. */
  readonly ratioIqr: readonly [number, number];
  /** The ratio the figure should stay at or under, when there is one. */
  readonly target?: number;
}

export function compare(
  name: string,
  subject: readonly number[],
  baselineName: string,
  baseline: readonly number[],
  target?: number,
): Comparison {
  const ratios = pairedRatios(subject, baseline);
  return {
    name,
    subject: summarize(subject),
    baselineName,
    baseline: summarize(baseline),
    ratio: ratios.median,
    ratioIqr: [ratios.p25, ratios.p75],
    ...(target !== undefined && { target }),
  };
}

export const wallTimes = (runs: readonly ColdStartRun[]) => runs.map((r) => r.wallMs);

const ms = (value: number) => value.toFixed(1);
const verdict = (c: { ratio: number; target?: number }) =>
  c.target === undefined ? '' : c.ratio <= c.target ? `≤ ${c.target} ✓` : `> ${c.target} ✗`;

/** A Markdown table of the comparisons: medians, p90, per-pair ratio with its IQR, target. */
export function comparisonTable(comparisons: readonly Comparison[]): string {
  const rows = comparisons.map((c) =>
    [
      c.name,
      `${ms(c.subject.median)} / ${ms(c.subject.p90)}`,
      c.baselineName,
      `${ms(c.baseline.median)} / ${ms(c.baseline.p90)}`,
      `**${c.ratio.toFixed(2)}×** (${c.ratioIqr[0].toFixed(2)}–${c.ratioIqr[1].toFixed(2)})`,
      verdict(c),
    ].join(' | '),
  );
  return [
    '| measured | median / p90 ms | baseline | median / p90 ms | ratio per pair (IQR) | target |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
