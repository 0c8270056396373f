// X1-cancel, end to end: a tool call cancelled, or whose client went away, while the broker
// waits for the person to unlock the credential. Before, the child's wait for its session
// could not be cancelled, so the unlock prompt stayed up for a call nobody wanted (each case
// below hung in `prompt withdrawn`). Real parts: `keybroker serve` with the built server
// children, SDK clients through the real `keybroker bridge`, approvals read and answered
// with the real CLI, the P6 fake and vcsim.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startBridgedP6 } from '../support/bridged-p6.js';
import { startBridgedVsphere } from '../support/bridged-vsphere.js';
import type { BridgedWorld } from '../support/bridged-world.js';
import { bridgeClient } from '../support/bridge-client.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { readAudit } from '../support/audit-file.js';
import { waitFor } from '../support/keybroker-cli.js';

const PASSWORD = 'Cancel-while:locked1';
const HANG = { timeout: 60_000 };

interface Kind {
  readonly server: string;
  readonly tool: string;
  readonly endpoint: string;
  /** More tools that reach their session another way (vSphere's vAPI tools). */
  readonly more: readonly string[];
  start(): Promise<BridgedWorld<unknown>>;
}

const KINDS: readonly Kind[] = [
  {
    server: 'p6', tool: 'p6_list_projects', endpoint: 'pm', more: [],
    start: () => startBridgedP6({
      fake: { users: [{ username: 'planner', password: PASSWORD }], dataset: { projects: 3 } },
      homePrefix: 'kb-cancel-locked-p6-',
      endpoints: [{ name: 'pm', user: 'planner', password: PASSWORD, extra: ['--no-verify'] }],
    }),
  },
  {
    server: 'vsphere', tool: 'vsphere_list_vms', endpoint: 'vc1', more: ['vsphere_list_tags'],
    start: () => startBridgedVsphere({ user: 'administrator@vsphere.local', password: PASSWORD, homePrefix: 'kb-cancel-locked-vs-', endpoints: ['vc1'] }),
  },
];

for (const kind of KINDS) {
  describe(`${kind.server}: a tool call waiting for the unlock stops waiting when cancelled`, () => {
    let world: BridgedWorld<unknown> | undefined;
    let client: Client;
    const cli = (args: string[], stdin?: string) => world!.cli(args, stdin);
    const { approvals, nextApproval } = cliApprovals(cli);
    const call = (c: Client, signal?: AbortSignal, tool = kind.tool) => c.callTool({ name: tool, arguments: { endpoint: kind.endpoint } }, undefined, { signal, timeout: 120_000 }) as Promise<CallToolResult>;
    /** Waits until approval `id` is no longer pending and returns the record that ended it. */
    const withdrawn = async (id: string) => {
      await waitFor('prompt withdrawn', async () => ((await approvals()).some((a) => a.id === id) ? undefined : true), 30_000);
      return waitFor('the record of the withdrawn prompt', () => readAudit(world!.home).find((r) => r.approvalId === id && r.event !== 'unlock.requested'), 30_000);
    };

    before(async () => {
      world = await kind.start();
      ({ client } = world);
    });
    after(async () => {
      await world?.stop();
    });

    it('cancelled (notifications/cancelled): the prompt is withdrawn and audited as withdrawn', HANG, async () => {
      const abort = new AbortController();
      const pending = call(client, abort.signal);
      const unlock = await nextApproval();
      assert.equal(unlock.subject.kind, 'unlock', 'the call waits for the unlock');
      abort.abort();
      await assert.rejects(pending, /AbortError/);
      const record = await withdrawn(unlock.id);
      assert.equal(record.event, 'unlock.denied', JSON.stringify(record));
      assert.equal(record.outcome, 'cancelled', 'withdrawn, not denied by the person');
      assert.match(record.reason ?? '', /every request waiting for it was cancelled/, 'says why');
      assert.ok(readAudit(world!.home).some((r) => r.event === 'token.denied' && r.endpoint === kind.endpoint && r.outcome === 'cancelled'), 'the session request is recorded as cancelled');
    });

    for (const tool of kind.more) {
      it(`${tool} cancelled: the prompt is withdrawn`, HANG, async () => {
        const abort = new AbortController();
        const pending = call(client, abort.signal, tool);
        const unlock = await nextApproval();
        abort.abort();
        await assert.rejects(pending, /AbortError/);
        assert.equal((await withdrawn(unlock.id)).outcome, 'cancelled', 'withdrawn, not denied by the person');
      });
    }

    it('its client went away: the prompt is withdrawn too', HANG, async () => {
      const other = await bridgeClient(world!.env, kind.server, 'leaving-client');
      const pending = call(other).catch((e: unknown) => e);
      const unlock = await nextApproval();
      await other.close();
      await pending;
      assert.equal((await withdrawn(unlock.id)).outcome, 'cancelled', 'the prompt went with the client');
    });

    it('the next call asks afresh and is served once allowed', HANG, async () => {
      const pending = call(client);
      const unlock = await nextApproval();
      assert.equal((await cli(['approve', unlock.id])).code, 0, 'approved');
      const r = await pending;
      assert.equal(r.isError, undefined, JSON.stringify(r.content));
    });
  });
}
