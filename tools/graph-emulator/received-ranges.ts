// Which bytes of a file an upload session holds, and which it still expects: the source of
// nextExpectedRanges. Source: https://learn.microsoft.com/graph/api/driveitem-createuploadsession
// ("You may see multiple ranges specified, indicating parts of the file that the server hasn't
// yet received", with the example ["12345-55232", "77829-99375"]).

/** An inclusive byte range. */
interface ByteRange {
  start: number;
  end: number;
}

/**
 * The received byte ranges of one session (sorted, merged) and its high-water mark: one past the
 * highest byte ever taken in. Bytes below the mark that are not held (a fragment the server lost)
 * are gaps; a fragment may start at a gap's first byte or at the mark, nowhere else.
 */
export class ReceivedRanges {
  #ranges: ByteRange[] = [];
  #highWater = 0;

  /** One past the highest byte taken in: where an in-order upload continues. */
  get highWater(): number {
    return this.#highWater;
  }

  /** Whether `start`..`end` touches bytes already held. */
  overlaps(start: number, end: number): boolean {
    return this.#ranges.some((range) => start <= range.end && end >= range.start);
  }

  /** Whether a fragment may begin at `offset`: the first byte of a gap, or the high-water mark. */
  isExpectedStart(offset: number): boolean {
    return offset === this.#highWater || this.#gaps().some((gap) => gap.start === offset);
  }

  /** The first byte the session expects: the first gap's start, else the high-water mark. */
  firstExpected(): number {
    return this.#gaps()[0]?.start ?? this.#highWater;
  }

  /** Hold `start`..`end`. */
  add(start: number, end: number): void {
    const merged = [...this.#ranges, { start, end }].sort((a, b) => a.start - b.start);
    this.#ranges = [];
    for (const range of merged) {
      const last = this.#ranges.at(-1);
      if (last && range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
      else this.#ranges.push({ ...range });
    }
    this.#highWater = Math.max(this.#highWater, end + 1);
  }

  /** Drop `start`..`end` (lost by the server): it becomes a gap below the high-water mark. */
  forget(start: number, end: number): void {
    this.#ranges = this.#ranges.flatMap((range) => {
      if (end < range.start || start > range.end) return [range];
      const kept: ByteRange[] = [];
      if (range.start < start) kept.push({ start: range.start, end: start - 1 });
      if (range.end > end) kept.push({ start: end + 1, end: range.end });
      return kept;
    });
  }

  /** Whether every byte of a file of `total` bytes is held. */
  isComplete(total: number): boolean {
    const first = this.#ranges[0];
    return this.#ranges.length === 1 && first?.start === 0 && first.end >= total - 1;
  }

  /**
   * nextExpectedRanges: each gap as "first-last", then "mark-" unless the mark has reached
   * `total` (when known). Empty when the file is complete.
   */
  missing(total: number | undefined): string[] {
    const ranges = this.#gaps().map((gap) => `${gap.start}-${gap.end}`);
    if (total === undefined || this.#highWater < total) ranges.push(`${this.#highWater}-`);
    return ranges;
  }

  #gaps(): ByteRange[] {
    const gaps: ByteRange[] = [];
    let next = 0;
    for (const range of this.#ranges) {
      if (range.start > next) gaps.push({ start: next, end: range.start - 1 });
      next = range.end + 1;
    }
    if (next < this.#highWater) gaps.push({ start: next, end: this.#highWater - 1 });
    return gaps;
  }
}
