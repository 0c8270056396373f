import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditCommand } from '../../../src/platform/audit/audit-command.js';
import { AUDIT_MAX_STRING, redactAuditString } from '../../../src/platform/audit/redact-record.js';

/** True when `s` holds no half of a surrogate pair. */
const wellFormed = (s: string): boolean => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('auditCommand() (D7-redteam)', () => {
  it('keeps a command that fits the audit whole', () => {
    const fits = `node ${'x'.repeat(AUDIT_MAX_STRING - 5)}`;
    assert.equal(auditCommand('node /home/u/vs-extra/index.js'), 'node /home/u/vs-extra/index.js', 'a short one as it is');
    assert.equal(auditCommand(fits), fits, 'one of exactly the audit\'s length as it is');
  });

  it('keeps a longer command\'s start and its module, within the audit\'s length, so the audit does not cut it again', () => {
    const command = `node ${'--title=x '.repeat(120)}/tmp/kb-attacker/${'d'.repeat(200)}/evil.cjs`;
    const kept = auditCommand(command);
    assert.equal(kept.length, AUDIT_MAX_STRING, 'as long as the audit keeps');
    assert.equal(redactAuditString(kept, []), kept, 'the audit writes it as it is');
    assert.ok(kept.startsWith('node --title=x '), `its start: ${kept.slice(0, 30)}`);
    assert.ok(kept.endsWith(`${'d'.repeat(200)}/evil.cjs`), `its module: ${kept.slice(-30)}`);
    assert.equal(kept.split('…').length, 2, 'one mark where it was cut');
  });

  it('never splits a surrogate pair at either cut', () => {
    for (let shift = 0; shift < 4; shift++) {
      const command = `${'a'.repeat(shift)}${'😀'.repeat(600)}`;
      const kept = auditCommand(command);
      assert.ok(wellFormed(kept), `well-formed with the pairs shifted by ${shift}`);
      assert.ok(kept.length <= AUDIT_MAX_STRING, `within the audit's length with the pairs shifted by ${shift}`);
      assert.ok(kept.endsWith('😀'.repeat(169)), `the end kept with the pairs shifted by ${shift}`);
    }
  });
});
