import assert from 'node:assert/strict';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
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
  /**
   * Settle `work`, approving the unlock prompts it causes on the way (a plan step needs a
   * session); with `refuseTool`, a tool approval pending meanwhile fails the test.
   */
  async function approvingUnlocks<T>(work: Promise<T>, opts: { refuseTool?: boolean } = {}): Promise<T> {
    let done = false;
    const result = work.finally(() => { done = true; });
    while (!done) {
      const pending = await approvals();
      const unlock = pending.find((a) => a.subject.kind === 'unlock');
      if (unlock) await cli(['approve', unlock.id]);
      const tool = opts.refuseTool ? pending.find((a) => a.subject.kind === 'tool') : undefined;
      if (tool) throw new Error(`unexpected approval: ${JSON.stringify(tool)}`);
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 100))]);
    }
    return result;
  }
  return { approvals, nextApproval, nextToolApproval, approvingUnlocks };
}
