/**
 * A small seeded PRNG (mulberry32), so a failing reliability run is reproduced by its seed.
 *
 * Not for anything secret: it only chooses file sizes, batches and kill moments.
 */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let value = this.#state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** A whole number in [min, max]. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One of the values. */
  pick<T>(values: readonly T[]): T {
    const value = values[Math.floor(this.next() * values.length)];
    if (value === undefined) throw new Error('pick needs at least one value');
    return value;
  }

  /** The values in a random order (a new array). */
  shuffle<T>(values: readonly T[]): T[] {
    const result = [...values];
    for (let index = result.length - 1; index > 0; index -= 1) {
      const other = Math.floor(this.next() * (index + 1));
      [result[index], result[other]] = [result[other] as T, result[index] as T];
    }
    return result;
  }
}

/** The seed for this run: SITEDROP_RELIABILITY_SEED when set, else a fresh one (printed). */
export function reliabilitySeed(): number {
  const fromEnvironment = process.env.SITEDROP_RELIABILITY_SEED;
  if (fromEnvironment && /^\d+$/.test(fromEnvironment)) return Number(fromEnvironment);
  return Math.floor(Math.random() * 2 ** 31);
}

/** 'long' under `npm run soak`, else 'short' (CI). */
export function reliabilityProfileName(): 'short' | 'long' {
  return process.env.SITEDROP_RELIABILITY_PROFILE === 'long' ? 'long' : 'short';
}
