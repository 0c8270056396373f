import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { waitFor, type Cli } from './keybroker-cli.js';

/** Wait until `keybroker status` shows the host's child `name` ready (`ready`; default: running). */
export async function waitForChild(cli: Cli, name: string, ready: (c: HostStatus['children'][number]) => boolean = (c) => c.state === 'running'): Promise<void> {
  await waitFor(`${name} child running`, async () => {
    const child = (JSON.parse((await cli(['status', '--json'])).stdout) as HostStatus).children.find((c) => c.name === name);
    return child && ready(child) ? true : undefined;
  }, 30_000);
}
