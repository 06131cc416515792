import { toJson, type Value } from '../../values.js';
import { JavaRandom } from './java-random.js';

/** Metron's default reservoir size. */
export const DEFAULT_SAMPLE_SIZE = 1024;

/**
 * A uniform reservoir sampler (Algorithm R) as Metron's UniformSampler: every non-null value
 * offered ends up in the sample with equal probability. Each sampler has its own generator
 * seeded 0, like Metron's, so the same values in the same order give the same sample.
 */
export class ReservoirSampler {
  private readonly reservoir: Value[] = [];
  private seen = 0;
  private readonly rng = new JavaRandom(0);

  constructor(readonly size = DEFAULT_SAMPLE_SIZE) {}

  add(value: Value): void {
    if (value === null || value === undefined) return;
    if (this.reservoir.length < this.size) {
      this.reservoir.push(value);
    } else {
      const i = this.rng.nextIntBelow(this.seen + 1);
      if (i < this.size) this.reservoir[i] = value;
    }
    this.seen++;
  }

  addAll(values: Iterable<Value>): void {
    for (const v of values) this.add(v);
  }

  /** The current sample (a copy). */
  sample(): Value[] {
    return [...this.reservoir];
  }

  /** How many non-null values were offered. */
  get offered(): number {
    return this.seen;
  }

  /** A sampler of the same size with nothing in it. */
  cloneEmpty(): ReservoirSampler {
    return new ReservoirSampler(this.size);
  }

  toJSON(): Record<string, unknown> {
    return { size: this.size, seen: this.seen, sample: this.reservoir.map(toJson) };
  }
}
