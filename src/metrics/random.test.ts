import { Random, seedFor, seedState } from './random';

function firstDraws(random: Random, count: number): number[] {
  return Array.from({ length: count }, () => random.nextUint32());
}

describe('seeded random numbers', () => {
  it('repeats for a seed and differs between seeds', () => {
    expect(firstDraws(new Random(1), 5)).toEqual(firstDraws(new Random(1), 5));
    expect(firstDraws(new Random(1), 5)).not.toEqual(firstDraws(new Random(2), 5));
  });

  it('gives 32-bit integers, floats in [0, 1) and integers below n', () => {
    const random = new Random(7);
    for (let i = 0; i < 1000; i += 1) {
      const draw = random.nextUint32();
      expect(Number.isInteger(draw) && draw >= 0 && draw < 2 ** 32).toBe(true);
      const float = random.nextFloat();
      expect(float >= 0 && float < 1).toBe(true);
      const below = random.below(12);
      expect(Number.isInteger(below) && below >= 0 && below < 12).toBe(true);
    }
  });

  it('is roughly uniform (chi-square over 10 bins, far from the 0.1% critical value)', () => {
    const random = new Random(123);
    const bins = new Array(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i += 1) bins[random.below(10)] += 1;
    const expected = draws / 10;
    const chiSquare = bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.88);
  });

  it('never starts from an all-zero state', () => {
    for (const seed of [0, 1, 0xffffffff, -1]) {
      const state = seedState(seed);
      expect(state[0] | state[1] | state[2] | state[3]).not.toBe(0);
    }
  });

  it('combines the seed with the project key', () => {
    expect(seedFor(1, 'ALPHA')).toBe(seedFor(1, 'ALPHA'));
    expect(seedFor(1, 'ALPHA')).not.toBe(seedFor(1, 'BETA'));
    expect(seedFor(1, 'ALPHA')).not.toBe(seedFor(2, 'ALPHA'));
    expect(seedFor(1, 'ALPHA')).toBeGreaterThanOrEqual(0);
  });
});
