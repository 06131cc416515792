/**
 * A merging t-digest (Dunning & Ertl): a sketch of a distribution as a sorted list of centroids
 * (mean, weight), small at the tails and larger in the middle, so quantiles are accurate where
 * they matter and memory stays near `compression` centroids whatever the stream length.
 *
 * Values go to a buffer; when it fills (or a quantile is asked for) the buffer is sorted and
 * merged with the centroids in one pass, each cluster growing while it stays within one unit of
 * the arcsine scale function k(q) = δ/2π·asin(2q − 1). Deterministic: the same values in the
 * same order give the same digest, unlike the randomised AVL-tree digest Metron uses.
 *
 * Quantiles interpolate linearly between centroid centres placed at their rank, with the exact
 * minimum and maximum as end points — so while every centroid holds one value, a quantile is the
 * exact `q·(n − 1)` interpolation of the sorted values, as t-digest 3.1 gives for small streams.
 */
export class TDigest {
  private means: number[] = [];
  private weights: number[] = [];
  private readonly bufMeans: Float64Array;
  private readonly bufWeights: Float64Array;
  private buffered = 0;
  /** Total weight, buffered values included. */
  private total = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  constructor(readonly compression = 150) {
    const size = Math.max(64, Math.ceil(compression * 5));
    this.bufMeans = new Float64Array(size);
    this.bufWeights = new Float64Array(size);
  }

  /** Number of values summarised. */
  get count(): number {
    return this.total;
  }

  /** Add `x` with weight `w` (NaN is ignored: it has no place in an order). */
  add(x: number, w = 1): void {
    if (Number.isNaN(x) || !(w > 0)) return;
    if (this.buffered === this.bufMeans.length) this.flush();
    this.bufMeans[this.buffered] = x;
    this.bufWeights[this.buffered] = w;
    this.buffered++;
    this.total += w;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  /** Fold another digest's centroids into this one. */
  addDigest(other: TDigest): void {
    other.flush();
    for (let i = 0; i < other.means.length; i++)
      this.add(other.means[i] as number, other.weights[i] as number);
    if (other.total > 0) {
      this.lo = Math.min(this.lo, other.lo);
      this.hi = Math.max(this.hi, other.hi);
    }
  }

  /** The number of centroids after merging the buffer. */
  centroidCount(): number {
    this.flush();
    return this.means.length;
  }

  /**
   * The value below which a fraction `q` (0 ≤ q ≤ 1) of the values lie; NaN when empty.
   * Throws a RangeError outside [0, 1], as t-digest does.
   */
  quantile(q: number): number {
    if (q < 0 || q > 1) throw new RangeError(`q should be in [0,1], got ${q}`);
    if (this.total === 0 || Number.isNaN(q)) return Number.NaN;
    this.flush();
    const n = this.means.length;
    if (n === 1) return this.means[0] as number;
    const index = q * (this.total - 1);
    // Walk the centre of each centroid (rank of its middle value); before the first centre the
    // line runs from the minimum at rank 0, after the last one to the maximum at rank total-1.
    let prevIndex = 0;
    let prevMean = this.lo;
    let before = 0;
    for (let i = 0; i < n; i++) {
      const w = this.weights[i] as number;
      const mean = this.means[i] as number;
      const centre = before + (w - 1) / 2;
      if (index <= centre) return interpolate(index, prevIndex, prevMean, centre, mean);
      prevIndex = centre;
      prevMean = mean;
      before += w;
    }
    return interpolate(index, prevIndex, prevMean, this.total - 1, this.hi);
  }

  /** Merge the buffer into the centroids. */
  private flush(): void {
    if (this.buffered === 0) return;
    const count = this.buffered;
    const order = sortedOrder(this.bufMeans, count);
    const oldMeans = this.means;
    const oldWeights = this.weights;
    const means: number[] = [];
    const weights: number[] = [];
    const total = this.total;
    const delta = this.compression;

    let i = 0; // next old centroid
    let j = 0; // next buffered value (in sorted order)
    let curMean = 0;
    let curWeight = 0;
    let soFar = 0; // weight of the emitted clusters
    let limit = 0; // weight the current cluster may reach, counted from the start
    const next = (): boolean => {
      let m: number;
      let w: number;
      const jb = j < count ? (order[j] as number) : -1;
      if (i < oldMeans.length && (jb < 0 || (oldMeans[i] as number) <= (this.bufMeans[jb] as number))) {
        m = oldMeans[i] as number;
        w = oldWeights[i] as number;
        i++;
      } else if (jb >= 0) {
        m = this.bufMeans[jb] as number;
        w = this.bufWeights[jb] as number;
        j++;
      } else {
        return false;
      }
      if (curWeight === 0) {
        curMean = m;
        curWeight = w;
        limit = total * qOfK(kOfQ(soFar / total, delta) + 1, delta);
      } else if (soFar + curWeight + w <= limit) {
        curWeight += w;
        curMean += (w * (m - curMean)) / curWeight;
      } else {
        means.push(curMean);
        weights.push(curWeight);
        soFar += curWeight;
        curMean = m;
        curWeight = w;
        limit = total * qOfK(kOfQ(soFar / total, delta) + 1, delta);
      }
      return true;
    };
    while (next()) {
      // consume every centroid and buffered value in order
    }
    if (curWeight > 0) {
      means.push(curMean);
      weights.push(curWeight);
    }
    this.means = means;
    this.weights = weights;
    this.buffered = 0;
  }
}

/** Scale function k1: δ/2π · asin(2q − 1). */
function kOfQ(q: number, delta: number): number {
  return (delta / (2 * Math.PI)) * Math.asin(Math.min(1, Math.max(-1, 2 * q - 1)));
}

/** Inverse of {@link kOfQ}, capped at q = 1. */
function qOfK(k: number, delta: number): number {
  const x = (2 * Math.PI * k) / delta;
  return x >= Math.PI / 2 ? 1 : (Math.sin(x) + 1) / 2;
}

function interpolate(x: number, x0: number, y0: number, x1: number, y1: number): number {
  if (x1 === x0) return y1;
  const t = (x - x0) / (x1 - x0);
  return y0 + t * (y1 - y0);
}

/** Indices 0..n-1 of `values` in ascending order of value (stable). */
function sortedOrder(values: Float64Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  return order;
}
