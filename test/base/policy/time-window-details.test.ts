// Time-window and glob details that mutation testing showed unguarded (issue 12,
// docs/TESTING.md): the exact edges of a window (from inclusive, to exclusive, minutes as
// well as hours), each weekday, windows across midnight, the user's time zone, and globs
// that contain regular-expression characters. Security: a window or glob that holds when it
// should not lets a write run without asking.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WEEKDAYS } from '../../../src/base/contracts/policy.js';
import { globMatch } from '../../../src/base/policy/glob.js';
import { inTimeWindow, localTime, userTimeZone } from '../../../src/base/policy/time-window.js';

// 2026-11-23 is a Monday.
const at = (day: number, hour: number, minute: number) => Date.UTC(2026, 10, 23 + day, hour, minute);
const MON = 0;
const TUE = 1;
const WED = 2;

describe('time windows: edges', () => {
  it('from is inclusive and to exclusive, to the minute', () => {
    const w = { from: '08:30', to: '08:45' };
    assert.equal(inTimeWindow(w, at(MON, 8, 29), 'UTC'), false, '08:29 is before the window');
    assert.equal(inTimeWindow(w, at(MON, 8, 30), 'UTC'), true, '08:30 opens it');
    assert.equal(inTimeWindow(w, at(MON, 8, 44), 'UTC'), true, '08:44 is inside');
    assert.equal(inTimeWindow(w, at(MON, 8, 45), 'UTC'), false, '08:45 closes it');
    assert.equal(inTimeWindow(w, at(MON, 9, 30), 'UTC'), false, 'the hour matters, not only the minutes');
  });

  it('reads the local weekday and minute of the day in the zone asked for', () => {
    assert.deepEqual(localTime(at(MON, 8, 37), 'UTC'), { day: 'mon', minute: 8 * 60 + 37 });
    assert.deepEqual(localTime(at(MON, 23, 15), 'Asia/Tokyo'), { day: 'tue', minute: 8 * 60 + 15 });
  });

  it('a window whose from equals its to holds at no time', () => {
    const w = { from: '08:00', to: '08:00' };
    for (const [h, m] of [[7, 59], [8, 0], [8, 1], [12, 0], [23, 59]] as const) {
      assert.equal(inTimeWindow(w, at(MON, h, m), 'UTC'), false, `${h}:${m}`);
    }
  });

  it('names each weekday by its own name, and only that day holds', () => {
    for (const [i, day] of WEEKDAYS.entries()) {
      assert.deepEqual(localTime(at(i, 12, 0), 'UTC').day, day);
      assert.equal(inTimeWindow({ from: '00:00', to: '23:59', days: [day] }, at(i, 12, 0), 'UTC'), true, `${day} on ${day}`);
      const others = WEEKDAYS.filter((d) => d !== day);
      assert.equal(inTimeWindow({ from: '00:00', to: '23:59', days: others }, at(i, 12, 0), 'UTC'), false, `${day} not in ${others.join(',')}`);
    }
  });
});

describe('time windows across midnight', () => {
  const night = { from: '22:00', to: '06:00' };

  it('holds from its start to midnight and from midnight to its end, and not in the day between', () => {
    assert.equal(inTimeWindow(night, at(MON, 21, 59), 'UTC'), false);
    assert.equal(inTimeWindow(night, at(MON, 22, 0), 'UTC'), true, 'from is inclusive');
    assert.equal(inTimeWindow(night, at(MON, 23, 59), 'UTC'), true);
    assert.equal(inTimeWindow(night, at(TUE, 0, 0), 'UTC'), true);
    assert.equal(inTimeWindow(night, at(TUE, 5, 59), 'UTC'), true);
    assert.equal(inTimeWindow(night, at(TUE, 6, 0), 'UTC'), false, 'to is exclusive');
    assert.equal(inTimeWindow(night, at(TUE, 12, 0), 'UTC'), false, 'noon is in no night');
  });

  it('its days name the evening it starts on: before midnight that day, after midnight the day before', () => {
    const tuesdayNight = { ...night, days: ['tue' as const] };
    assert.equal(inTimeWindow(tuesdayNight, at(MON, 23, 0), 'UTC'), false, 'Monday evening');
    assert.equal(inTimeWindow(tuesdayNight, at(TUE, 22, 0), 'UTC'), true, 'Tuesday evening');
    assert.equal(inTimeWindow(tuesdayNight, at(WED, 5, 59), 'UTC'), true, 'early Wednesday is Tuesday night');
    assert.equal(inTimeWindow(tuesdayNight, at(WED, 22, 0), 'UTC'), false, 'Wednesday evening');
    assert.equal(inTimeWindow(tuesdayNight, at(TUE, 12, 0), 'UTC'), false, 'Tuesday noon');
    // The day before Monday is Sunday (the week wraps).
    assert.equal(inTimeWindow({ ...night, days: ['sun'] }, at(MON, 3, 0), 'UTC'), true);
    assert.equal(inTimeWindow({ ...night, days: ['mon'] }, at(MON, 3, 0), 'UTC'), false);
  });
});

describe("the user's time zone", () => {
  it('is the zone the process runs in, and UTC when that zone is unknown', () => {
    const saved = process.env['TZ'];
    try {
      process.env['TZ'] = 'Asia/Tokyo';
      assert.equal(userTimeZone(), 'Asia/Tokyo');
      process.env['TZ'] = 'Nowhere/Atlantis'; // Intl then resolves no zone at all
      assert.equal(userTimeZone(), 'UTC');
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });
});

describe('policy globs: details', () => {
  it('matches regular-expression characters literally, themselves included', () => {
    for (const literal of ['vc.lab', 'a+b', 'x^y', 'cost$', 'p{1}', 'f(x)', 'a|b', '[prod]', 'C:\\vm']) {
      assert.ok(globMatch(literal, literal), literal);
      assert.ok(globMatch(`${literal}*`, `${literal}-2`), `${literal}*`);
    }
    assert.ok(!globMatch('a|b', 'a'), 'a bar is not an alternative');
    assert.ok(!globMatch('[prod]', 'p'), 'brackets are not a class');
  });

  it('a pattern ending in /* matches the path before it and everything under it, nothing beside it', () => {
    assert.ok(globMatch('Lab/*', 'Lab'), 'Lab/* matches Lab itself');
    assert.ok(globMatch('Lab/*', 'lab/web/01'), 'Lab/* matches a path under Lab, whatever the case');
    assert.ok(!globMatch('Lab/*', 'Laboratory'), 'Lab/* does not match Laboratory');
    assert.ok(!globMatch('Lab/*', 'Lab2/web'), 'Lab/* does not match a path under Lab2');
    assert.ok(!globMatch('Lab/*', 'Old/Lab'), 'Lab/* does not match a Lab further down a path');
    assert.ok(globMatch('*/Rail/*', 'Enterprise/Rail'), '*/Rail/* matches Enterprise/Rail');
  });
});
