import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { p6And, p6Clause, p6Field, p6In, p6Literal } from '../../../../src/connectors/p6/client/p6-filter.js';

describe('P6 filter builders', () => {
  it('quote strings (doubling quotes), leave numbers bare', () => {
    assert.equal(p6Literal("O'Brien"), "'O''Brien'");
    assert.equal(p6Literal(42), '42');
    assert.equal(p6Clause('Name', ':like:', 'abc%'), "Name :like: 'abc%'");
    assert.equal(p6In('ObjectId', [1, 2]), 'ObjectId IN(1,2)');
    assert.equal(p6And('A:eq:1', undefined, ' ', 'B:eq:2'), 'A:eq:1 :and: B:eq:2');
    assert.equal(p6And(undefined), undefined);
  });

  it('refuse field names and values that could change the filter grammar', () => {
    for (const f of ['Name :or: ObjectId', 'a-b', '', "Name'"]) assert.throws(() => p6Field(f), { code: 'CONN_INVALID_REQUEST' });
    assert.throws(() => p6Literal('a\nb'), { code: 'CONN_INVALID_REQUEST' });
    assert.throws(() => p6Literal(Number.NaN), { code: 'CONN_INVALID_REQUEST' });
  });
});
