/**
 * A small seeded random number generator (xoshiro128**, seeded through splitmix32), so a forecast with
 * the same seed and data gives the same dates on every run and every machine. Integer arithmetic only:
 * Math.random cannot be seeded and floats would cost more in the Monte Carlo loop.
 */

const TWO_TO_MINUS_32 = 2.3283064365386963e-10;

/** Mixes a 32-bit value well (murmur3's finalizer): nearby seeds give unrelated streams. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The seed of one project's forecast: the PMO's seed combined with the project key (FNV-1a of the key),
 * so projects get different streams while a rerun with the same seed reproduces.
 */
export function seedFor(seed: number, key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return mix32(hash ^ mix32(seed >>> 0));
}

/**
 * xoshiro128**'s four state words for a seed, filled by splitmix32 (the state must not be all zeros).
 * The forecast's hot loop keeps them in local variables and runs the step of nextUint32 inline.
 */
export function seedState(seed: number): Int32Array {
  const state = new Int32Array(4);
  let s = seed >>> 0;
  for (let i = 0; i < 4; i += 1) {
    s = (s + 0x9e3779b9) | 0;
    state[i] = mix32(s);
  }
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  return state;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    [this.a, this.b, this.c, this.d] = seedState(seed);
  }

  /** A uniform integer in 0..2^32-1. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result >>> 0;
  }

  /** A uniform number in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() * TWO_TO_MINUS_32;
  }

  /** A uniform integer in 0..n-1 (n <= 2^21; the bias from 32 random bits is below n / 2^32). */
  below(n: number): number {
    return Math.floor(this.nextUint32() * TWO_TO_MINUS_32 * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
