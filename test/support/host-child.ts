import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { waitFor, type Cli } from './keybroker-cli.js';

/**
 * Wait until `keybroker status` shows the host's child `name` ready (`ready`; default: ready
 * for requests, that is `running`, or `idle` until its first request starts it: children run
 * on demand by default, D77).
 */
export async function waitForChild(cli: Cli, name: string, ready: (c: HostStatus['children'][number]) => boolean = (c) => c.state === 'running' || c.state === 'idle'): Promise<void> {
  await waitFor(`${name} child ready`, async () => {
    const child = (JSON.parse((await cli(['status', '--json'])).stdout) as HostStatus).children.find((c) => c.name === name);
    return child && ready(child) ? true : undefined;
  }, 30_000);
}
