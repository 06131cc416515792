import { OnlineStats } from './online-stats.js';

/**
 * Metron's median-absolute-deviation outlier state (`OUTLIER_MAD_*`): online statistics of the
 * values and of their absolute deviations from the running median, both for the current tick
 * and for the window (the current tick merged with earlier ones). A value's score is
 * scale·|x − median| / MAD, the modified z-score of Iglewicz & Hoaglin.
 */
export class MadState {
  tickMedian: OnlineStats;
  tickMad: OnlineStats;
  windowMedian: OnlineStats;
  windowMad: OnlineStats;

  /**
   * A new tick: the window is the previous state's tick merged with the earlier states' ticks.
   * As in Metron, with no earlier states the window *is* the previous tick's provider (shared).
   */
  constructor(previous: readonly MadState[] = [], current: MadState | null = null) {
    this.tickMedian = new OnlineStats();
    this.tickMad = new OnlineStats();
    let windowMedian = current ? current.tickMedian : new OnlineStats();
    let windowMad = current ? current.tickMad : new OnlineStats();
    for (const s of previous) {
      windowMedian = windowMedian.merge(s.tickMedian) as OnlineStats;
      windowMad = windowMad.merge(s.tickMad) as OnlineStats;
    }
    this.windowMedian = windowMedian;
    this.windowMad = windowMad;
  }

  /** Add a value (NaN is skipped); its deviation is from the median before it. */
  add(d: number): void {
    if (Number.isNaN(d)) return;
    this.tickMedian.addValue(d);
    const deviation = Math.abs(d - this.windowMedian.getPercentile(50));
    this.windowMedian.addValue(d);
    if (!Number.isNaN(deviation)) {
      this.windowMad.addValue(deviation);
      this.tickMad.addValue(deviation);
    }
  }

  /** scale·|x − median| / MAD over the window. */
  score(x: number, scale: number): number {
    const deviation = Math.abs(x - this.windowMedian.getPercentile(50));
    const mad = this.windowMad.getPercentile(50);
    return (scale * deviation) / mad;
  }

  toJSON(): Record<string, number> {
    return {
      count: this.windowMedian.getCount(),
      median: this.windowMedian.getPercentile(50),
      mad: this.windowMad.getPercentile(50),
    };
  }
}
