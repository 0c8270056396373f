// An in-process Host on a test's KEYBROKER_HOME, as the integration tests that drive the
// broker by hand (token children, the HTTP door) start it: the home's real keychain (the
// private Secret Service the test applied), approvals queued for the real CLI to answer.
import { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { P6UpstreamLogin } from '../../src/platform/broker/logins/p6-upstream-login.js';
import { VsphereUpstreamLogin } from '../../src/platform/broker/logins/vsphere-upstream-login.js';
import { Host } from '../../src/platform/host/host.js';
import { openHomeKeychain } from '../../src/platform/keychain/open-home-keychain.js';
import type { ServerSpec } from '../../src/platform/supervisor/server-spec.js';

/** A started Host and the approval queue the CLI answers; stop the host, then dispose the queue. */
export interface HomeHost {
  readonly host: Host;
  readonly pending: PendingApprovals;
}

/** `Host.start` on `home` with its keychain, both real logins and CLI approvals; `servers` are its children (default none). */
export async function startHomeHost(home: string, options: { servers?: readonly ServerSpec[] } = {}): Promise<HomeHost> {
  const pending = new PendingApprovals();
  try {
    const { keychain } = await openHomeKeychain(home);
    const host = await Host.start({
      ...(options.servers && { servers: options.servers }),
      home, keychain, logins: { vsphere: new VsphereUpstreamLogin(), p6: new P6UpstreamLogin() }, approver: pending, pending,
    });
    return { host, pending };
  } catch (e) {
    pending.dispose();
    throw e;
  }
}
