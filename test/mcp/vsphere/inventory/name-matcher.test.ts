import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nameMatcher, sameName } from '../../../../src/mcp/vsphere/inventory/name-matcher.js';

describe('nameMatcher()', () => {
  it('matches substrings case-insensitively without wildcards', () => {
    const m = nameMatcher('web');
    assert.ok(m('prod-WEB-01'));
    assert.ok(!m('db-01'));
  });
  it('matches a glob against the whole name', () => {
    const m = nameMatcher('web-??');
    assert.ok(m('WEB-01'));
    assert.ok(!m('web-001'));
    assert.ok(nameMatcher('*-01')('db-01'));
    assert.ok(!nameMatcher('*-01')('db-011'));
  });
  it('treats regex characters literally', () => {
    assert.ok(nameMatcher('a.b*')('a.bc'));
    assert.ok(!nameMatcher('a.b*')('axbc'));
    assert.ok(nameMatcher('(x)')('vm (x)'));
  });
  it('matches everything when empty', () => {
    assert.ok(nameMatcher(undefined)('anything'));
    assert.ok(nameMatcher('')('anything'));
  });
});

describe('sameName()', () => {
  it('compares case-insensitively and never matches undefined', () => {
    assert.ok(sameName('DC0', 'dc0'));
    assert.ok(!sameName(undefined, 'dc0'));
  });
});
