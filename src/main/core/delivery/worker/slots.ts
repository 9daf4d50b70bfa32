/**
 * Delivery's slots: how many items are at work, in which phase, and how many more may be
 * claimed, as one structure.
 *
 * A slot's item moves through named phases: `reserve` (a claim waits for its commit) →
 * `holdAhead` (committed, not yet sent; up to one per slot while the breaker is closed, so a
 * slot whose item is done sends the next at once) → `startSending` → `lend` (its network work
 * is over and only its commit remains: the slot is lent to the next item) → `end`. Items held
 * ahead that cannot be sent leave by `takeAheadWhere`, unsent.
 */
export class Slots<Claim> {
  readonly #concurrency: number;
  readonly #isBreakerClosed: () => boolean;
  readonly #ahead: Claim[] = [];
  #reserved = 0;
  #inFlight = 0;
  #finishing = 0;

  /**
   * @param concurrency delivery.concurrency: items sent at once while the breaker is closed.
   * @param isBreakerClosed whether the breaker is closed now; otherwise one probe at a time.
   */
  constructor(concurrency: number, isBreakerClosed: () => boolean) {
    this.#concurrency = concurrency;
    this.#isBreakerClosed = isBreakerClosed;
  }

  /** Items talking to SharePoint. */
  get sendingCount(): number {
    return this.#inFlight - this.#finishing;
  }

  /** Slots taken: items sending, held ahead, and claims waiting for their commit. */
  get claimedCount(): number {
    return this.sendingCount + this.#ahead.length + this.#reserved;
  }

  /** How many more items may be claimed now (never negative). */
  get freeToClaim(): number {
    return Math.max(0, this.#claimLimit() - this.claimedCount);
  }

  /** Whether an item may start sending now. */
  get canSend(): boolean {
    return this.sendingCount < this.#sendLimit();
  }

  /**
   * Whether claims wait for their commit while no item is held ahead: a slot that frees up now
   * has nothing to send until that commit, so it should not wait for a gathering window.
   */
  get isWaitingForClaims(): boolean {
    return this.#reserved > 0 && this.#ahead.length === 0;
  }

  /** Whether items may wait ahead of the sending ones: not while a half-open probe runs. */
  get canHoldAhead(): boolean {
    return this.#claimLimit() > this.#sendLimit();
  }

  /** Promises `count` slots to claims that wait for their commit. */
  reserve(count: number): void {
    this.#reserved += count;
  }

  /** Takes back the promise of `reserve` once the claims' commit is over (or failed). */
  unreserve(count: number): void {
    this.#reserved -= count;
  }

  /** Holds committed claims ahead, to be sent as slots free up. */
  holdAhead(claims: readonly Claim[]): void {
    this.#ahead.push(...claims);
  }

  /** The next item held ahead, when one may start sending now. */
  takeNextToSend(): Claim | undefined {
    return this.canSend ? this.#ahead.shift() : undefined;
  }

  /** Removes and returns the items held ahead that `isMatch` picks, in their order. */
  takeAheadWhere(isMatch: (claim: Claim) => boolean): Claim[] {
    const taken: Claim[] = [];
    for (let index = this.#ahead.length - 1; index >= 0; index -= 1) {
      if (isMatch(this.#ahead[index]!)) taken.unshift(...this.#ahead.splice(index, 1));
    }
    return taken;
  }

  /** An item starts sending in a free slot. */
  startSending(): void {
    this.#inFlight += 1;
  }

  /** A sending item's network work is over: its slot is lent to the next item. */
  lend(): void {
    this.#finishing += 1;
  }

  /** An item left its slot; `wasLent`: it had lent it before (lend). */
  end(wasLent: boolean): void {
    this.#inFlight -= 1;
    if (wasLent) this.#finishing -= 1;
  }

  /** How many items may be sent at once: delivery.concurrency, or one probe while half-open. */
  #sendLimit(): number {
    return this.#isBreakerClosed() ? this.#concurrency : 1;
  }

  /** How many items may be claimed: one ahead per slot while the breaker is closed. */
  #claimLimit(): number {
    const limit = this.#sendLimit();
    return this.#isBreakerClosed() ? 2 * limit : limit;
  }
}
