// Secret-argument details that mutation testing showed unguarded (issue 12, docs/TESTING.md):
// calls without arguments, absent, null, empty and non-string secret values, property schemas
// that are not objects, and text that holds one of several secrets. Security: a secret value
// that is missed here reaches the approval prompt or the audit log.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { maskSecretArgs, maskSecretValues, secretArgNames, secretArgValues, withoutSecretValues } from '../../../src/platform/gateway/secret-args.js';

describe('secret arguments: details', () => {
  it('ignores property schemas that are not objects (boolean, null or absent)', () => {
    const tool = { inputSchema: { type: 'object', properties: { any: true, nothing: null, gone: undefined, pin: { type: 'number', 'x-keybroker-secret': true } } } } as unknown as Pick<Tool, 'inputSchema'>;
    assert.deepEqual(secretArgNames(tool), ['pin']);
  });

  it('a call without arguments has nothing to mask and no secret values', () => {
    assert.equal(maskSecretArgs(undefined, ['password']), undefined);
    assert.deepEqual(secretArgValues(undefined, ['password']), []);
  });

  it('returns the arguments as they are when the tool has no secret arguments', () => {
    const args = { user: 'svc' };
    assert.equal(maskSecretArgs(args, []), args);
  });

  it('shows an absent secret as absent, not as a placeholder', () => {
    assert.deepEqual(maskSecretArgs({ user: 'svc', password: undefined }, ['password']), { user: 'svc', password: undefined });
  });

  it('takes non-string secrets as their JSON text, and skips absent, null and empty ones', () => {
    assert.deepEqual(secretArgValues({ pin: 4711, token: { v: 'k' } }, ['pin', 'token']), ['4711', '{"v":"k"}']);
    assert.deepEqual(secretArgValues({ a: undefined, b: null, c: '' }, ['a', 'b', 'c', 'missing']), []);
    // An empty secret would otherwise redact every text and mask between every character.
    assert.equal(withoutSecretValues('nothing secret here', secretArgValues({ c: '' }, ['c'])), 'nothing secret here');
    assert.equal(maskSecretValues('pin 4711 set', secretArgValues({ pin: 4711 }, ['pin'])), 'pin [secret] set');
  });

  it('drops a text that holds any one of several secrets', () => {
    assert.equal(withoutSecretValues('log in with hunter2', ['hunter2', 'other-secret']), '[redacted]');
    assert.equal(withoutSecretValues('log in with other-secret', ['hunter2', 'other-secret']), '[redacted]');
  });
});

// E1-gwspeed: the names are read once per tool schema and shared by that tool's calls.
describe('secretArgNames, read once per schema', () => {
  const schema = (properties: unknown) => ({ inputSchema: { type: 'object', properties } }) as unknown as Pick<Tool, 'inputSchema'>;

  it('gives each schema its own names, however the calls of two tools interleave', () => {
    const login = schema({ user: { type: 'string' }, password: { type: 'string', 'x-keybroker-secret': true } });
    const token = schema({ apiToken: { type: 'string', 'x-keybroker-secret': true }, pin: { type: 'number', 'x-keybroker-secret': true } });
    const plain = schema({ text: { type: 'string' } });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(secretArgNames(login), ['password'], 'the login tool\'s secret is its password, whichever tool was asked about before');
      assert.deepEqual(secretArgNames(token), ['apiToken', 'pin'], 'the token tool\'s secrets are its own two, not the login tool\'s');
      assert.deepEqual(secretArgNames(plain), [], 'a tool without secrets has none, after tools with secrets');
    }
    // Security: a second tool with an equal-looking but separate schema is read on its own.
    const other = schema({ user: { type: 'string' }, password: { type: 'string' } });
    assert.deepEqual(secretArgNames(other), [], 'a schema object never seen is read, not matched to a similar one');
  });

  it('shares one frozen list per schema, so no caller can change another call\'s names', () => {
    const login = schema({ password: { type: 'string', 'x-keybroker-secret': true } });
    const names = secretArgNames(login);
    assert.equal(secretArgNames(login), names, 'the same list for every call of one schema');
    assert.ok(Object.isFrozen(names), 'the shared list is frozen');
    assert.throws(() => (names as string[]).push('user'), TypeError, 'pushing a name onto the shared list throws');
    assert.deepEqual(secretArgNames(schema(undefined)), [], 'no properties: no names');
    assert.deepEqual(secretArgNames(schema(null)), [], 'properties null: no names (the walk read null as none)');
    assert.deepEqual(secretArgNames(schema('password')), [], 'properties that are not an object: no names (as Object.entries read them)');
  });
});
