import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from '../../../src/cli/format/table.js';

describe('formatTable()', () => {
  it('aligns columns with two spaces and no trailing blanks', () => {
    assert.equal(
      formatTable(['NAME', 'KIND', 'URL'], [['vc1', 'vsphere', 'https://vc1/sdk'], ['p6-production', 'p6', '']]),
      'NAME           KIND     URL\nvc1            vsphere  https://vc1/sdk\np6-production  p6\n',
    );
  });

  it('keeps each row on one line whatever a cell contains (Security)', () => {
    const out = formatTable(['A', 'B'], [['x\ny', '\u001b[2Jz']]);
    assert.equal(out.split('\n').length, 3);
    assert.equal(out, 'A    B\nx y  \uFFFD[2Jz\n');
  });
});
