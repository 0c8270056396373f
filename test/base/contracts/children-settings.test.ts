// Children on demand is the default (issue 17 item 5, D81): config `children`
// defaults to a 10-minute idle stop, 0 keeps children always on, anything else is refused
// at load with the field's path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Config, DEFAULT_IDLE_STOP_SECONDS, DEFAULT_MAX_CALL_MINUTES, emptyConfig } from '../../../src/base/contracts/config.js';

const withChildren = (children: unknown) => Config.safeParse({ version: 1, children });

describe('config children (issue 17)', () => {
  it('defaults to on demand with a 10-minute idle stop', () => {
    assert.equal(DEFAULT_IDLE_STOP_SECONDS, 600);
    assert.deepEqual(emptyConfig().children, { idleStopSeconds: 600 });
    assert.deepEqual(Config.parse({ version: 1 }).children, { idleStopSeconds: 600 });
  });

  it('accepts 0 (always on) and 1 to 604800 seconds', () => {
    for (const n of [0, 1, 600, 604_800]) assert.deepEqual(withChildren({ idleStopSeconds: n }).data?.children, { idleStopSeconds: n }, String(n));
  });

  it('refuses a negative, fractional, too long, missing or misspelt period, naming the field', () => {
    for (const bad of [{ idleStopSeconds: -1 }, { idleStopSeconds: 1.5 }, { idleStopSeconds: 604_801 }, { idleStopSeconds: '600' }, {}, { idleStopSeconds: 600, always: true }]) {
      const r = withChildren(bad);
      assert.equal(r.success, false, JSON.stringify(bad));
      assert.equal(r.error!.issues[0]!.path[0], 'children', JSON.stringify(bad));
    }
  });

  it('takes maxCallMinutes from 10 to 1440, absent the 60-minute default (D262); anything else refused with the range', () => {
    assert.equal(DEFAULT_MAX_CALL_MINUTES, 60, 'an hour');
    for (const n of [10, 60, 1440]) assert.deepEqual(withChildren({ idleStopSeconds: 600, maxCallMinutes: n }).data?.children, { idleStopSeconds: 600, maxCallMinutes: n }, String(n));
    for (const bad of [9, 1441, 1.5, '60', 0]) {
      const r = withChildren({ idleStopSeconds: 600, maxCallMinutes: bad });
      assert.equal(r.success, false, JSON.stringify(bad));
      assert.deepEqual(r.error!.issues[0]!.path, ['children', 'maxCallMinutes'], JSON.stringify(bad));
      assert.match(r.error!.issues[0]!.message, /from 10 .* to 1440/, r.error!.issues[0]!.message);
    }
  });
});
