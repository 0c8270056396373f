import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskSecretArgs, maskSecretValues, secretArgNames, secretArgValues, withoutSecretValues } from '../../../src/platform/gateway/secret-args.js';

const tool = { inputSchema: { type: 'object' as const, properties: { user: { type: 'string' }, password: { type: 'string', 'x-keybroker-secret': true }, note: { type: 'string', 'x-keybroker-secret': false } } } };

describe('secret arguments (x-keybroker-secret)', () => {
  it('finds the arguments marked secret, and only those', () => {
    assert.deepEqual(secretArgNames(tool), ['password']);
    assert.deepEqual(secretArgNames({ inputSchema: { type: 'object' } }), []);
  });

  it('masks values for display and drops whole fields that contain one for the audit', () => {
    const args = { user: 'svc', password: 'hunter2-long', note: 'n' };
    assert.deepEqual(maskSecretArgs(args, ['password']), { user: 'svc', password: '[secret]', note: 'n' });
    const values = secretArgValues(args, ['password']);
    assert.deepEqual(values, ['hunter2-long']);
    assert.equal(maskSecretValues('log in with hunter2-long twice: hunter2-long', values), 'log in with [secret] twice: [secret]');
    assert.equal(withoutSecretValues('log in with hunter2-long', values), '[redacted]');
    assert.equal(withoutSecretValues('nothing secret here', values), 'nothing secret here');
  });
});
