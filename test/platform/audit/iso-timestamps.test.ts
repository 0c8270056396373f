import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IsoTimestamps } from '../../../src/platform/audit/iso-timestamps.js';

// E1-gwspeed: an audit record's `ts` is toISOString's string, formatted in full once a second.
// Every case compares with toISOString itself, over sequences that stay in a second, leave it,
// come back to an earlier one (a wall clock stepped back, D252) and cross the ends of its forms.

/** The string toISOString writes for `ms`, or the error it throws. */
const iso = (ms: number): string => {
  try {
    return new Date(ms).toISOString();
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};
const format = (t: IsoTimestamps, ms: number): string => {
  try {
    return t.format(ms);
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
};

describe('IsoTimestamps.format (E1-gwspeed)', () => {
  it('writes what toISOString writes, within a second, across seconds and back', () => {
    const t = new IsoTimestamps();
    const base = Date.UTC(2026, 11, 7, 22, 52, 38);
    for (const ms of [base, base + 1, base + 9, base + 10, base + 99, base + 100, base + 999, base + 1000, base + 5, base - 1, base - 1000, base + 7]) {
      assert.equal(t.format(ms), iso(ms), `ms ${ms - base} from a whole second: the milliseconds are three digits, the prefix is that second's`);
    }
  });

  it('writes what toISOString writes for any time, fractional, negative, far or invalid', () => {
    const far = 8.64e15;
    const time = fc.oneof(
      fc.integer({ min: -far, max: far }),
      fc.integer({ min: -3000, max: 3000 }),
      fc.double({ min: -far - 10, max: far + 10, noNaN: false }),
      fc.constantFrom(0, -0, 1.5, -1.5, 999.9, -999.9, far, -far, far + 1, -far - 1, 253402300799999, 253402300800000, -62167219200001, Number.NaN, Infinity, -Infinity),
    );
    // Sequences that share seconds: a start, then small steps either way.
    const run = fc.tuple(time, fc.array(fc.integer({ min: -1500, max: 1500 }), { maxLength: 12 }));
    fc.assert(fc.property(fc.array(run, { maxLength: 4 }), (runs) => {
      const t = new IsoTimestamps();
      for (const [start, steps] of runs) {
        let ms = start;
        for (const step of [0, ...steps]) {
          ms += step;
          assert.equal(format(t, ms), iso(ms), `time ${ms}: the same string (or the same RangeError) as toISOString`);
        }
      }
    }), { numRuns: 400 });
  });

  it('an invalid time between two of one second changes nothing for the next', () => {
    const t = new IsoTimestamps();
    const base = Date.UTC(2026, 0, 1);
    assert.equal(t.format(base + 1), iso(base + 1), 'the first of the second');
    assert.throws(() => t.format(Number.NaN), RangeError, 'an invalid time throws as toISOString does');
    assert.equal(t.format(base + 2), iso(base + 2), 'the second after it is written from its own prefix');
  });

  it('formats in full once per second: the next records of that second reuse it, up to the last valid time', () => {
    const original = Date.prototype.toISOString;
    let full = 0;
    Date.prototype.toISOString = function (this: Date) {
      full += 1;
      return original.call(this);
    };
    try {
      const t = new IsoTimestamps();
      const base = Date.UTC(2026, 11, 7, 22, 52, 38);
      for (let ms = base; ms < base + 1000; ms += 7) t.format(ms);
      assert.equal(full, 1, 'one toISOString for 143 records of one second');
      t.format(base + 1000);
      assert.equal(full, 2, 'a new second is formatted in full once');
      const last = 8.64e15;
      t.format(last);
      t.format(last);
      assert.equal(full, 3, 'the last valid time is a second like any other: formatted once');
      assert.equal(t.format(last), original.call(new Date(last)), 'and written as toISOString writes it');
    } finally {
      Date.prototype.toISOString = original;
    }
  });
});
