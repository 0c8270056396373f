// ReadWindow (D168) on a stand-in socket whose write side the test fills and drains.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { ReadWindow } from '../../../src/platform/ipc/read-window.js';

/** The part of a socket ReadWindow uses: pause/resume, the write side's need to drain, 'drain'. */
class FakeSocket extends EventEmitter {
  writableNeedDrain = false;
  paused = true;
  readonly calls: string[] = [];
  pause(): this {
    this.paused = true;
    this.calls.push('pause');
    return this;
  }
  resume(): this {
    this.paused = false;
    this.calls.push('resume');
    return this;
  }
  isPaused(): boolean {
    return this.paused;
  }
  /** The peer read everything written. */
  drain(): void {
    this.writableNeedDrain = false;
    this.emit('drain');
  }
}

function rig(maxInFlight = 2) {
  const socket = new FakeSocket();
  const delivered: string[] = [];
  const refused: string[] = [];
  const window = new ReadWindow<string>(socket as unknown as Duplex, {
    maxInFlight,
    counts: (m) => m.startsWith('req'),
    deliver: (m) => void delivered.push(m),
    refuse: (m) => void refused.push(m),
  });
  return { socket, window, delivered, refused };
}

describe('ReadWindow', () => {
  it('does not read the socket before start(), then reads it and hands messages on in order', () => {
    const { socket, window, delivered } = rig();
    window.push('note-1');
    assert.deepEqual(socket.calls, []);
    window.start();
    assert.deepEqual(socket.calls, ['resume']);
    window.push('req-1');
    window.push('note-2');
    assert.deepEqual(delivered, ['note-1', 'req-1', 'note-2']);
    assert.equal(window.serving, 1);
    assert.equal(window.holding, false);
  });

  it('while answers wait for the peer, keeps what arrives, in order, and stops reading; on drain hands it on and reads again', () => {
    const { socket, window, delivered } = rig(10);
    window.start();
    window.push('req-1');
    socket.writableNeedDrain = true;
    window.push('req-2');
    window.push('note-1');
    window.push('req-3');
    assert.deepEqual(delivered, ['req-1']);
    assert.equal(window.holding, true);
    assert.equal(socket.paused, true);
    socket.drain();
    assert.deepEqual(delivered, ['req-1', 'req-2', 'note-1', 'req-3']);
    assert.equal(window.holding, false);
    assert.equal(socket.paused, false);
    assert.equal(window.serving, 3);
  });

  it('stops handing on mid-queue when an answer fills the write side again, and goes on at the next drain', () => {
    const socket = new FakeSocket();
    const delivered: string[] = [];
    // Each message handed on is answered at once, and its answer fills the peer's buffer.
    const window = new ReadWindow<string>(socket as unknown as Duplex, {
      maxInFlight: 10,
      counts: () => false,
      deliver: (m) => {
        delivered.push(m);
        socket.writableNeedDrain = true;
      },
      refuse: () => undefined,
    });
    window.start();
    socket.writableNeedDrain = true;
    for (const m of ['a', 'b', 'c']) window.push(m);
    assert.deepEqual(delivered, []);
    socket.drain();
    assert.deepEqual(delivered, ['a']);
    assert.equal(window.holding, true);
    socket.drain();
    socket.drain();
    assert.deepEqual(delivered, ['a', 'b', 'c']);
    assert.equal(window.holding, true, 'the last answer still waits for the peer');
    socket.drain();
    assert.equal(window.holding, false);
    assert.equal(socket.paused, false);
  });

  it('refuses a counted message past maxInFlight at once, lets uncounted ones through, and takes requests again once one settles', () => {
    const { window, delivered, refused } = rig(2);
    window.start();
    window.push('req-1');
    window.push('req-2');
    window.push('req-3');
    window.push('note-1');
    assert.deepEqual(delivered, ['req-1', 'req-2', 'note-1']);
    assert.deepEqual(refused, ['req-3']);
    assert.equal(window.holding, false, 'a full window still reads (a cancel must get through)');
    window.settle();
    window.push('req-4');
    assert.deepEqual(delivered, ['req-1', 'req-2', 'note-1', 'req-4']);
    assert.equal(window.serving, 2);
  });

  it('never counts below zero', () => {
    const { window, delivered, refused } = rig(1);
    window.start();
    window.settle();
    window.settle();
    window.push('req-1');
    window.push('req-2');
    assert.deepEqual(delivered, ['req-1']);
    assert.deepEqual(refused, ['req-2']);
  });

  it('lets the waiting queue go once it is handed on: a long connection that waits now and then does not grow it for ever', () => {
    const { socket, window, delivered } = rig(1_000);
    window.start();
    for (let round = 0; round < 50; round++) {
      socket.writableNeedDrain = true;
      for (let i = 0; i < 20; i++) window.push(`note-${round}-${i}`);
      assert.equal(window.queueSlots, 20);
      socket.drain();
      assert.equal(window.queueSlots, 0, `round ${round}: the handed-on slots are released`);
    }
    assert.equal(delivered.length, 1_000);
  });
});
