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

  it('never splits a surrogate pair at either cut: the longest well-formed start and end that fit', () => {
    // The lowest and highest surrogates (U+10000, U+10FFFF) and an emoji, the pairs shifted at either end.
    for (const pair of ['\ud800\udc00', '\udbff\udfff', '😀']) {
      for (const before of [0, 1]) {
        for (const after of [0, 1]) {
          const command = `${'a'.repeat(before)}${pair.repeat(600)}${'b'.repeat(after)}`;
          const kept = auditCommand(command);
          // The oracle, by another road: a well-formed start of 171 units or one fewer, an end of 340 or one fewer.
          const head = wellFormed(command.slice(0, 171)) ? command.slice(0, 171) : command.slice(0, 170);
          const tail = wellFormed(command.slice(-340)) ? command.slice(-340) : command.slice(-339);
          const where = `${JSON.stringify(pair)} shifted by ${before} and ${after}`;
          assert.ok(wellFormed(kept), `well-formed: ${where}`);
          assert.equal(kept, `${head}…${tail}`, `the longest start and end that fit: ${where}`);
        }
      }
    }
    // One pair at the cut, or just past it, with plain text around; a character above the
    // surrogates (U+FFFD) where the end starts is no half of anything.
    const one = (at: number) => `${'x'.repeat(at)}😀${'y'.repeat(1000)}`;
    assert.equal(auditCommand(one(170)), `${'x'.repeat(170)}…${'y'.repeat(340)}`, 'a pair across the start\'s cut is left out whole');
    assert.equal(auditCommand(one(171)).slice(0, 171), `${'x'.repeat(171)}`, 'a pair just past the cut leaves the start whole');
    const above = `${'z'.repeat(1000)}\ufffd${'q'.repeat(339)}`;
    assert.equal(auditCommand(above), `${'z'.repeat(171)}…\ufffd${'q'.repeat(339)}`, 'the end starts at U+FFFD, which is not a low surrogate');
  });
});
