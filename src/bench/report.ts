import type { ColdStartRun } from './cold-start.js';
import { medianRatio, type Summary, summarize } from './stats.js';

/** One measured figure compared with its baseline from the same run. */
export interface Comparison {
  readonly name: string;
  readonly subject: Summary;
  readonly baselineName: string;
  readonly baseline: Summary;
  readonly ratio: number;
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
  const s = summarize(subject);
  const b = summarize(baseline);
  return {
    name,
    subject: s,
    baselineName,
    baseline: b,
    ratio: medianRatio(s, b),
    ...(target !== undefined && { target }),
  };
}

export const wallTimes = (runs: readonly ColdStartRun[]) => runs.map((r) => r.wallMs);

const ms = (value: number) => value.toFixed(2);
const verdict = (c: { ratio: number; target?: number }) =>
  c.target === undefined ? '' : c.ratio <= c.target ? `≤ ${c.target} ✓` : `> ${c.target} ✗`;

/** A Markdown table of the comparisons: medians, p90, interquartile range, ratio, target. */
export function comparisonTable(comparisons: readonly Comparison[]): string {
  const rows = comparisons.map((c) =>
    [
      c.name,
      `${ms(c.subject.median)} / ${ms(c.subject.p90)}`,
      `${ms(c.subject.p25)}–${ms(c.subject.p75)}`,
      c.baselineName,
      `${ms(c.baseline.median)} / ${ms(c.baseline.p90)}`,
      `${ms(c.baseline.p25)}–${ms(c.baseline.p75)}`,
      `${c.ratio.toFixed(2)}×`,
      verdict(c),
    ].join(' | '),
  );
  return [
    '| measured | median / p90 ms | IQR ms | baseline | median / p90 ms | IQR ms | ratio | target |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
