// Words the vSphere tools look up by vCenter's own text (a power state, a FileInfo's xsi:type,
// an alarm's status). Security: that text is upstream-controlled, so a value named after an
// Object.prototype member (`constructor`, `toString`, `__proto__`) must find nothing, not a
// function whose source would end up in a sentence, a row or a sort (the lookups are Maps).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../../../src/mcp/vsphere/plan/recheck-vsphere.js';
import { fileKind } from '../../../src/mcp/vsphere/tools/browse-datastore.js';
import { severityRank } from '../../../src/mcp/vsphere/tools/list-alarms.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf'];

describe('lookups by upstream text', () => {
  it('a changed power state is explained in words only for the three real states', () => {
    assert.equal(explain({ object: 'VM web01', key: 'runtime.powerState', before: 'poweredOn', after: 'poweredOff' }), 'it was powered off by someone else');
    assert.equal(explain({ object: 'VM web01', key: 'runtime.powerState', before: 'poweredOff', after: 'suspended' }), 'it was suspended by someone else');
    for (const name of PROTOTYPE_NAMES) assert.equal(explain({ object: 'VM web01', key: 'runtime.powerState', before: 'poweredOn', after: name }), undefined, name);
  });

  it("a file's kind comes from the known FileInfo types only", () => {
    assert.equal(fileKind('VmDiskFileInfo'), 'vmdk');
    assert.equal(fileKind('FolderFileInfo'), 'folder');
    assert.equal(fileKind(undefined), 'file');
    for (const name of PROTOTYPE_NAMES) assert.equal(fileKind(name), 'file', name);
  });

  it('alarm statuses rank worst first, anything else last', () => {
    assert.deepEqual(['green', 'red', 'gray', 'yellow'].map(severityRank), [3, 0, 2, 1]);
    for (const name of PROTOTYPE_NAMES) assert.equal(severityRank(name), 9, name);
  });
});
