import { describe, expect, it } from 'vitest';
import type { TimerHandle } from '../../../../../../src/main/core/lifecycle/index.ts';
import {
  FileStates,
  type NewSettling,
  type PreparedFile,
} from '../../../../../../src/main/core/intake/settling/file-states.ts';

/** A timer that only records whether it was closed: these tests are about states, not time. */
function timer(): TimerHandle & { isClosed: boolean } {
  const handle = {
    isClosed: false,
    close() {
      handle.isClosed = true;
    },
  };
  return handle;
}

function waiting(overrides: Partial<NewSettling> = {}): NewSettling {
  return {
    sizeBytes: 10,
    mtimeMs: 1_000,
    stableSinceMs: 0,
    reason: 'new',
    timer: timer(),
    busyCount: 0,
    ...overrides,
  };
}

function prepared(headBytes: number): PreparedFile {
  const hashes = {
    sha256: 'x',
    quickXorHash: 'y',
    sizeBytes: headBytes,
    headBytes: Buffer.alloc(headBytes),
  };
  return { hashes, target: undefined };
}

describe('FileStates', () => {
  it.each([
    ['taken', (states: FileStates) => void states.take('a.json')],
    ['forgotten', (states: FileStates) => states.forget('a.json')],
    ['missed', (states: FileStates) => states.miss('a.json', timer)],
    ['settled anew', (states: FileStates) => void states.settle('a.json', waiting())],
    ['forgotten with the folder', (states: FileStates) => states.forgetWaiting()],
  ])('gives back a prepared file’s bytes and closes its timer when it is %s', (_, leave) => {
    const states = new FileStates();
    const first = timer();
    const file = states.settle('a.json', waiting({ timer: first }));
    states.prepare(file, prepared(300));
    states.prepare(states.settle('b.json', waiting()), prepared(200));
    expect(states.preparedHeadBytes).toBe(500);

    leave(states);

    expect(first.isClosed).toBe(true);
    expect(states.preparedHeadBytes).toBe(states.get('b.json') ? 200 : 0);
  });

  it('keeps one state per file: a file being taken is neither waiting nor missing', () => {
    const states = new FileStates();
    const waitTimer = timer();
    states.settle('scan.pdf', waiting({ timer: waitTimer }));
    const taking = states.take('scan.pdf');

    expect(waitTimer.isClosed).toBe(true);
    expect(states.get('scan.pdf')).toBe(taking);
    expect(states.settling('scan.pdf')).toBeUndefined();
    expect(states.size).toBe(1);
  });

  it('asks for one more look after a take, with the first reason given', () => {
    const states = new FileStates();
    const taking = states.take('scan.pdf');
    states.lookAgainAfterTake(taking, 'changed');
    states.lookAgainAfterTake(taking, 'caught-up');

    expect(states.endTake('scan.pdf', taking)).toBe('changed');
    expect(states.get('scan.pdf')).toBeUndefined();
  });

  it('leaves the state a take’s outcome set: a file that waits again is not forgotten', () => {
    const states = new FileStates();
    const taking = states.take('scan.pdf');
    const again = states.settle('scan.pdf', waiting({ busyCount: 1 }));

    expect(states.endTake('scan.pdf', taking)).toBeUndefined();
    expect(states.get('scan.pdf')).toBe(again);
  });

  it('keeps a missing file’s first grace period when it is missed again', () => {
    const states = new FileStates();
    const first = timer();
    states.miss('gone.pdf', () => first);
    states.miss('gone.pdf', () => timer());

    expect(states.get('gone.pdf')).toEqual({ kind: 'missing', timer: first });
    expect(first.isClosed).toBe(false);
  });

  it('lets forgetting the folder’s files leave takes running', () => {
    const states = new FileStates();
    const missTimer = timer();
    states.settle('waiting.pdf', waiting());
    states.miss('missing.pdf', () => missTimer);
    const taking = states.take('taking.pdf');

    states.forgetWaiting();

    expect(missTimer.isClosed).toBe(true);
    expect([...['waiting.pdf', 'missing.pdf', 'taking.pdf']].map((p) => states.get(p))).toEqual([
      undefined,
      undefined,
      taking,
    ]);
  });

  it('releases the version that waits on a delivery, also after it changed again meanwhile', () => {
    const states = new FileStates();
    states.settle('plan.pdf', waiting({ waitingOnItemId: 7 }));
    // Written to again while it waits: a new wait, still behind item 7's delivery.
    const newer = states.settle('plan.pdf', waiting({ sizeBytes: 20 }));

    expect(newer.waitingOnItemId).toBe(7);
    expect(states.deliveryEnded(8)).toBeUndefined();
    expect(states.deliveryEnded(7)).toEqual({ relativePath: 'plan.pdf', file: newer });
    expect(newer.waitingOnItemId).toBeUndefined();
    expect(states.deliveryEnded(7)).toBeUndefined();
  });

  it('forgets a delivery wait once the file is taken', () => {
    const states = new FileStates();
    states.settle('plan.pdf', waiting({ waitingOnItemId: 7 }));
    states.take('plan.pdf');

    expect(states.deliveryEnded(7)).toBeUndefined();
  });
});
