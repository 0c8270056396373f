import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nameMatcher, sameName } from '../../../../src/mcp/vsphere/inventory/name-matcher.js';

describe('nameMatcher()', () => {
  it('matches substrings case-insensitively without wildcards', () => {
    const m = nameMatcher('web');
    assert.ok(m('prod-WEB-01'), 'web matches prod-WEB-01 (substring, any case)');
    assert.ok(!m('db-01'), 'web does not match db-01');
  });
  it('matches a glob against the whole name', () => {
    const m = nameMatcher('web-??');
    assert.ok(m('WEB-01'), 'web-?? matches WEB-01');
    assert.ok(!m('web-001'), 'web-?? does not match web-001: a glob matches the whole name');
    assert.ok(nameMatcher('*-01')('db-01'), '*-01 matches db-01');
    assert.ok(!nameMatcher('*-01')('db-011'), '*-01 does not match db-011');
  });
  it('treats regex characters literally', () => {
    assert.ok(nameMatcher('a.b*')('a.bc'), 'a.b* matches a.bc');
    assert.ok(!nameMatcher('a.b*')('axbc'), 'the dot of a.b* is literal: axbc does not match');
    assert.ok(nameMatcher('(x)')('vm (x)'), 'parentheses are literal: (x) matches vm (x)');
  });
  it('matches everything when empty', () => {
    assert.ok(nameMatcher(undefined)('anything'), 'no pattern matches everything');
    assert.ok(nameMatcher('')('anything'), 'an empty pattern matches everything');
  });
});

describe('sameName()', () => {
  it('compares case-insensitively and never matches undefined', () => {
    assert.ok(sameName('DC0', 'dc0'), 'DC0 and dc0 are the same name');
    assert.ok(!sameName(undefined, 'dc0'), 'an undefined name matches nothing');
  });
});
