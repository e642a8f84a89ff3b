import { describe, expect, it } from 'vitest';
import { interleave, medianRatio, pairedRatios, quantileOfSorted, summarize } from './stats.js';

describe('quantileOfSorted', () => {
  it('interpolates between the nearest ranks when the quantile falls between samples', () => {
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileOfSorted([10, 20], 0.9)).toBeCloseTo(19);
  });

  it('returns the extremes when asked for quantiles 0 and 1', () => {
    expect(quantileOfSorted([3, 5, 9], 0)).toBe(3);
    expect(quantileOfSorted([3, 5, 9], 1)).toBe(9);
  });

  it('throws when there are no samples or the quantile is out of range', () => {
    expect(() => quantileOfSorted([], 0.5)).toThrow(RangeError);
    expect(() => quantileOfSorted([1], 1.5)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('reports median, p90, quartiles and range when samples are unsorted', () => {
    const summary = summarize([9, 1, 5, 3, 7, 2, 8, 4, 6, 10]);
    expect(summary).toEqual({
      n: 10,
      median: 5.5,
      p90: 9.1,
      p25: 3.25,
      p75: 7.75,
      min: 1,
      max: 10,
    });
  });

  it('leaves the caller’s array in its order when it sorts', () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('medianRatio', () => {
  it('divides the medians when the baseline is positive', () => {
    expect(medianRatio(summarize([4, 6, 5]), summarize([2, 3, 1]))).toBe(2.5);
  });

  it('throws when the baseline median is zero', () => {
    expect(() => medianRatio(summarize([1]), summarize([0]))).toThrow(RangeError);
  });
});

describe('pairedRatios', () => {
  it('summarizes the ratio of each pair when a common slowdown hits both samples of a round', () => {
    // Round 2 ran on a busy machine: both samples doubled, the ratio did not move.
    const ratios = pairedRatios([10, 20, 10], [20, 40, 20]);
    expect(ratios).toMatchObject({ n: 3, median: 0.5, min: 0.5, max: 0.5 });
  });

  it('differs from the ratio of medians when the noise is not shared', () => {
    const subject = [1, 2, 9];
    const baseline = [2, 1, 3];
    expect(pairedRatios(subject, baseline).median).toBe(2);
    expect(medianRatio(summarize(subject), summarize(baseline))).toBe(1);
  });

  it('throws when the samples do not pair up or a baseline is not positive', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatios([], [])).toThrow(RangeError);
    expect(() => pairedRatios([1], [0])).toThrow(RangeError);
  });
});

describe('interleave', () => {
  it('rotates the order of the tasks from round to round', async () => {
    const calls: string[] = [];
    const record = (name: string) => async () => {
      calls.push(name);
    };
    await interleave({ a: record('a'), b: record('b'), c: record('c') }, 3);
    expect(calls).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
  });

  it('times each task with the given clock when it runs', async () => {
    let clock = 0;
    const timings = await interleave(
      {
        slow: async () => {
          clock += 5;
        },
        fast: async () => {
          clock += 1;
        },
      },
      2,
      () => clock,
    );
    expect(timings).toEqual({ slow: [5, 5], fast: [1, 1] });
  });
});
