import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientLabel } from '../../../src/renderer/popup/client-label.js';

describe('clientLabel()', () => {
  it('marks a self-declared name and shows a verified one bare (issue 11)', () => {
    assert.equal(clientLabel({ client: 'claude-ai', clientVerified: false }), 'claims to be claude-ai');
    assert.equal(clientLabel({ client: 'claude-ai', clientVerified: true }), 'claude-ai');
    assert.equal(clientLabel({ client: '', clientVerified: false }), 'unknown client');
  });
  it('sanitizes the name before quoting it', () => {
    assert.equal(clientLabel({ client: 'evil\u202e\nname', clientVerified: false }), 'claims to be evil\uFFFD name');
  });
});
