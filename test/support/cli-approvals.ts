import assert from 'node:assert/strict';
import type { ApprovalRequest } from '../../src/core/common/contracts/approval.js';
import { waitFor, type Cli } from './keybroker-cli.js';

/** Pending approvals read, and answered, with the real CLI (`keybroker approvals --json`, `approve`). */
export function cliApprovals(cli: Cli) {
  const approvals = async () => JSON.parse((await cli(['approvals', '--json'])).stdout) as ApprovalRequest[];
  const nextApproval = () => waitFor('a pending approval', async () => (await approvals())[0]);
  /** The next tool approval; unlocks asked on the way are approved (a plan step needs a session, so a write may ask for the unlock first). */
  const nextToolApproval = async () => {
    for (;;) {
      const a = await nextApproval();
      if (a.subject.kind === 'tool') return a;
      assert.equal((await cli(['approve', a.id])).code, 0);
    }
  };
  return { approvals, nextApproval, nextToolApproval };
}
