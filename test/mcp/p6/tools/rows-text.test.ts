// The text block of P6 list tools (issue 16's "the data in the text", issue 17 item 4's
// "no second JSON copy of every row"): a client that reads only the text rebuilds exactly the
// page structuredContent carries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { rowsText, type RowsPage } from '../../../../src/mcp/p6/tools/rows-text.js';
import { pageFromRowsText } from './read-rows-text.js';

describe('rowsText()', () => {
  it('is the summary with the cursor, the page fields, then the rows as one JSON array of arrays', () => {
    const page: RowsPage = { total: 3, count: 2, nextCursor: 'abc', rows: [{ ObjectId: 1, Name: 'a\tb\n"c"' }, { ObjectId: 2, Extra: true }] };
    assert.equal(
      rowsText('2 of 3 activities; more with the nextCursor', page, ['ObjectId', 'Name']),
      [
        '2 of 3 activities; more with the nextCursor; next page: pass cursor "abc"',
        '{"total":3,"count":2,"nextCursor":"abc","fields":["ObjectId","Name","Extra"]}',
        '[[1,"a\\tb\\n\\"c\\"",null],[2,null,true]]',
      ].join('\n'),
    );
    assert.equal(rowsText('0 of 0 activities', { total: 0, count: 0, rows: [] }, ['ObjectId']), '0 of 0 activities\n{"total":0,"count":0,"fields":["ObjectId"]}');
    // A field the tool adds to the page travels in line 2.
    assert.equal(rowsText('1 of 1 projects', { total: 1, count: 1, obsObjectIds: [3, 8], rows: [{ ObjectId: 7 }] }, ['ObjectId']), '1 of 1 projects\n{"total":1,"count":1,"obsObjectIds":[3,8],"fields":["ObjectId"]}\n[[7]]');
  });

  it('carries every field of every row: the page rebuilt from the text equals the structured page', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
    const field = fc.constantFrom('ObjectId', 'Id', 'Name', 'Status', 'StartDate', 'TotalFloat', 'Weird "key"\t', '__proto__x');
    fc.assert(
      fc.property(fc.array(fc.dictionary(field, value), { maxLength: 20 }), fc.array(field, { maxLength: 4 }), fc.option(fc.string(), { nil: undefined }), (rows, requested, nextCursor) => {
        const page: RowsPage = { total: rows.length + 7, count: rows.length, ...(nextCursor !== undefined && { nextCursor }), rows };
        const text = rowsText(`${rows.length} of ${rows.length + 7} activities`, page, [...new Set(requested)]);
        assert.deepEqual(pageFromRowsText(text), JSON.parse(JSON.stringify(page)));
      }),
    );
  });

  it('Security: no value breaks the table: newlines, brackets, quotes, U+2028/2029, NEL and lone surrogates stay inside line 3, and the page rebuilds', () => {
    const awkward = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085', ']', '],[', '"]]\n[["', '\ud800', '\udc00x', '\u0000', '\u001e'),
    );
    const value = fc.oneof(awkward, fc.integer(), fc.boolean());
    const field = fc.oneof(fc.constantFrom('ObjectId', 'Name'), awkward);
    fc.assert(
      fc.property(fc.array(fc.dictionary(field, value, { maxKeys: 4 }), { maxLength: 6 }), fc.array(field, { maxLength: 3 }), (rows, requested) => {
        const page: RowsPage = { total: rows.length, count: rows.length, rows };
        const text = rowsText(`${rows.length} of ${rows.length} activities`, page, [...new Set(requested)]);
        const lines = text.split('\n');
        assert.equal(lines.length, rows.length === 0 ? 2 : 3);
        // A reader that splits on every Unicode line break (Python's splitlines) sees the same lines.
        // eslint-disable-next-line no-control-regex -- the control characters Python counts as line breaks are the point
        assert.equal(text.split(/\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/).length, lines.length);
        assert.deepEqual(pageFromRowsText(text), JSON.parse(JSON.stringify(page)));
      }),
      { numRuns: 2000 },
    );
  });
});
