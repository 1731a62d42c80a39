import fc from 'fast-check';
import { nearestRank, percentileOfCounts, percentileOfSorted, percentilesOf } from './percentile';

describe('nearest-rank percentile', () => {
  it('ranks small samples by ceil(P/100 x n), at least 1', () => {
    expect(nearestRank(1, 50)).toBe(1);
    expect(nearestRank(1, 85)).toBe(1);
    expect(nearestRank(2, 50)).toBe(1);
    expect(nearestRank(2, 85)).toBe(2);
    expect(nearestRank(3, 50)).toBe(2);
    expect(nearestRank(4, 50)).toBe(2);
    expect(nearestRank(10, 85)).toBe(9);
    // 0.85 x 20 is 17.000000000000004 in floating point; 85 x 20 / 100 is exactly 17.
    expect(nearestRank(20, 85)).toBe(17);
    expect(nearestRank(100, 85)).toBe(85);
    expect(nearestRank(5, 0)).toBe(1);
    expect(nearestRank(5, 100)).toBe(5);
  });

  it('picks a value that occurred, without interpolating', () => {
    expect(percentileOfSorted([], 50)).toBeNull();
    expect(percentileOfSorted([7], 50)).toBe(7);
    expect(percentileOfSorted([7], 85)).toBe(7);
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2);
    expect(percentileOfSorted([1, 2, 3, 4], 85)).toBe(4);
    expect(percentileOfSorted([1, 2, 3], 50)).toBe(2);
    expect(percentileOfSorted([1, 2, 3], 85)).toBe(3);
  });

  it('sorts a typed array numerically in place', () => {
    const values = Float64Array.from([10, 1, 4, 2, 3]);
    expect(percentilesOf(values, [50, 85])).toEqual([3, 10]);
    expect([...values]).toEqual([1, 2, 3, 4, 10]);
    expect(percentilesOf(new Float64Array(0), [50])).toEqual([null]);
  });

  it('reads a histogram with the same definition', () => {
    // 1, 1, 2, 3
    const counts = Uint32Array.from([0, 2, 1, 1]);
    expect(percentileOfCounts(counts, 4, 50)).toBe(1);
    expect(percentileOfCounts(counts, 4, 85)).toBe(3);
    expect(percentileOfCounts(new Uint32Array(3), 0, 50)).toBeNull();
  });

  it('histogram and sorted values agree, and P50 <= P85', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 60 }), (values) => {
        const counts = new Uint32Array(21);
        for (const value of values) counts[value] += 1;
        const sorted = [...values].sort((a, b) => a - b);
        for (const percent of [1, 50, 85, 99, 100]) {
          expect(percentileOfCounts(counts, values.length, percent)).toBe(percentileOfSorted(sorted, percent));
        }
        expect(percentileOfSorted(sorted, 50)!).toBeLessThanOrEqual(percentileOfSorted(sorted, 85)!);
      }),
    );
  });
});
