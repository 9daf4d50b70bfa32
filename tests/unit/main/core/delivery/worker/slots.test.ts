import { describe, expect, it } from 'vitest';
import { Slots } from '../../../../../../src/main/core/delivery/worker/slots.ts';

function slotsOf(concurrency: number) {
  const breaker = { isClosed: true };
  return { slots: new Slots<string>(concurrency, () => breaker.isClosed), breaker };
}

describe('delivery slots', () => {
  it('claims one item ahead per slot while the breaker is closed', () => {
    const { slots } = slotsOf(2);
    expect(slots.freeToClaim).toBe(4);
    slots.reserve(4);
    expect(slots.freeToClaim).toBe(0);
    slots.unreserve(4);
    slots.holdAhead(['a', 'b', 'c', 'd']);
    expect(slots.claimedCount).toBe(4);
    expect(slots.canHoldAhead).toBe(true);
  });

  it('sends held items only while a slot is free, in the order they were claimed', () => {
    const { slots } = slotsOf(2);
    slots.holdAhead(['a', 'b', 'c']);
    const sent: string[] = [];
    for (let claim = slots.takeNextToSend(); claim; claim = slots.takeNextToSend()) {
      sent.push(claim);
      slots.startSending();
    }
    expect(sent).toEqual(['a', 'b']);
    expect(slots.sendingCount).toBe(2);
    expect(slots.canSend).toBe(false);
  });

  it('lends the slot of an item whose network work is over to the next one', () => {
    const { slots } = slotsOf(1);
    slots.holdAhead(['a', 'b']);
    slots.takeNextToSend();
    slots.startSending();
    expect(slots.takeNextToSend()).toBeUndefined();
    slots.lend();
    expect(slots.takeNextToSend()).toBe('b');
    slots.startSending();
    slots.end(true);
    expect(slots.sendingCount).toBe(1);
    slots.end(false);
    expect(slots.sendingCount).toBe(0);
    expect(slots.claimedCount).toBe(0);
  });

  it('says a slot would wait for a commit only once claims are pending and nothing is held ahead', () => {
    const { slots } = slotsOf(2);
    expect(slots.isWaitingForClaims).toBe(false);
    // At start: claims wait for their commit and nothing can be sent meanwhile.
    slots.reserve(4);
    expect(slots.isWaitingForClaims).toBe(true);
    slots.unreserve(4);
    slots.holdAhead(['a', 'b', 'c', 'd']);
    slots.takeNextToSend();
    slots.startSending();
    slots.takeNextToSend();
    slots.startSending();
    // a's network work is over: its slot sends c, held ahead, while the refill's claim waits.
    slots.lend();
    slots.takeNextToSend();
    slots.startSending();
    slots.reserve(1);
    expect(slots.isWaitingForClaims).toBe(false);
    // b's too: its slot sends d, the last one held ahead; the next slot to free up would wait.
    slots.lend();
    slots.takeNextToSend();
    slots.startSending();
    slots.reserve(1);
    expect(slots.isWaitingForClaims).toBe(true);
    slots.unreserve(2);
    expect(slots.isWaitingForClaims).toBe(false);
  });

  it('lets one probe through and holds nothing ahead while the breaker is not closed', () => {
    const { slots, breaker } = slotsOf(4);
    breaker.isClosed = false;
    expect(slots.freeToClaim).toBe(1);
    expect(slots.canHoldAhead).toBe(false);
    slots.startSending();
    expect(slots.canSend).toBe(false);
    expect(slots.freeToClaim).toBe(0);
  });

  it('gives back the held items a pause picks, keeping the others in order', () => {
    const { slots } = slotsOf(4);
    slots.holdAhead(['x1', 'y1', 'x2', 'y2']);
    expect(slots.takeAheadWhere((claim) => claim.startsWith('x'))).toEqual(['x1', 'x2']);
    expect(slots.takeNextToSend()).toBe('y1');
    expect(slots.claimedCount).toBe(1);
  });
});
