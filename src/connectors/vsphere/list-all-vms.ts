import { ConnectorError } from '../connector-error.js';
import { createUpstreamDispatcher } from '../tls/create-upstream-dispatcher.js';
import { VsphereClient } from './client/vsphere-client.js';
import { isMoRef, propertyScalar, propertyText } from './client/property-value.js';
import type { ObjectContent } from './client/object-content.js';
import { vsphereLogin } from './session/vsphere-login.js';
import { vsphereLogout } from './session/vsphere-logout.js';

/** Input of the one-shot listing (the direct-path benchmark, issue 5). */
export interface ListAllVmsOptions {
  readonly url: string;
  readonly username: string;
  /** Used for the one Login request only; never logged, never in an error. */
  readonly password: string;
  /** Pin of the server certificate; without it the system roots must trust the server. */
  readonly fingerprintSha256?: string;
  /** Objects per page; default 1000. */
  readonly pageSize?: number;
}

/** One VM as the benchmark compares it with govmomi and pyVmomi. */
export interface OneShotVm {
  readonly name: string;
  readonly powerState: string;
  readonly numCpu: number;
  readonly memoryMB: number;
  readonly ip?: string;
  readonly host?: string;
}

const VM_PATHS = ['name', 'runtime.powerState', 'summary.config.numCpu', 'summary.config.memorySizeMB', 'guest.ipAddress', 'runtime.host'];

/**
 * One VM of the listing from its properties and the hosts' names by MoRef id. Text only where
 * text belongs: a name or power state that is not a string (a data object from a hostile or
 * broken vCenter, whose `toString` field made String() throw) counts as unset, like a number
 * that is not a scalar (D126).
 */
export function oneShotVm(props: ObjectContent['props'], hosts: ReadonlyMap<string, string>): OneShotVm {
  const host = props['runtime.host'];
  const ip = props['guest.ipAddress'];
  return {
    name: propertyText(props['name']) ?? '',
    powerState: propertyText(props['runtime.powerState']) ?? '',
    numCpu: Number(propertyScalar(props['summary.config.numCpu']) ?? 0),
    memoryMB: Number(propertyScalar(props['summary.config.memorySizeMB']) ?? 0),
    ...(typeof ip === 'string' ? { ip } : {}),
    ...(isMoRef(host) ? { host: hosts.get(host.value) ?? host.value } : {}),
  };
}

/**
 * Logs in, lists every VM with its host's name (all hosts are read in the same pass as the
 * VMs, so no VM needs a round trip of its own), logs out and closes the connection pool.
 * Login is sent once and never retried; the session is logged out even when listing fails.
 */
export async function listAllVmsOneShot(options: ListAllVmsOptions): Promise<OneShotVm[]> {
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: options.fingerprintSha256 });
  try {
    const session = await vsphereLogin({ url: options.url, username: options.username, password: options.password, dispatcher });
    const client = new VsphereClient({
      url: options.url,
      dispatcher,
      serviceContent: session.serviceContent,
      session: {
        token: async () => session.cookie,
        renew: async () => {
          throw new ConnectorError('CONN_NOT_AUTHENTICATED', 'the vCenter session ended during the listing; run it again');
        },
      },
    });
    try {
      const pageSize = options.pageSize ?? 1000;
      // Hosts and VMs through one view in one call (issue 17: one CreateContainerView,
      // RetrievePropertiesEx and DestroyView fewer than a walk per type); the host names are
      // needed only once all VM pages are in.
      const hosts = new Map<string, string>();
      const rows: { props: ObjectContent['props'] }[] = [];
      const pages = client.retrievePages({ type: ['VirtualMachine', 'HostSystem'], paths: VM_PATHS, pathsOf: { HostSystem: ['name'] }, maxObjects: pageSize });
      for await (const page of pages) {
        for (const o of page) {
          if (o.ref.type === 'HostSystem') hosts.set(o.ref.value, propertyText(o.props['name']) ?? o.ref.value);
          else rows.push(o);
        }
      }
      return rows.map(({ props }) => oneShotVm(props, hosts));
    } finally {
      await vsphereLogout({ url: options.url, cookie: session.cookie, dispatcher, serviceContent: session.serviceContent }).catch(() => undefined);
    }
  } finally {
    await dispatcher.close();
  }
}
