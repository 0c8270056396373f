import type { EndpointSummary } from '../../../base/contracts/token-protocol.js';
import type { VsphereClients } from '../endpoint-clients.js';
import type { RowSnapshots } from '../inventory/row-snapshots.js';
import { registerGetDatacenterTool } from './get-datacenter.js';
import { registerGetDatastoreTool } from './get-datastore.js';
import { registerGetFolderTool } from './get-folder.js';
import { registerGetNetworkTool } from './get-network.js';
import { registerListClustersTool } from './list-clusters.js';
import { registerListDatacentersTool } from './list-datacenters.js';
import { registerListDatastoresTool } from './list-datastores.js';
import { registerListEndpointsTool } from './list-endpoints.js';
import { registerBrowseDatastoreTool } from './browse-datastore.js';
import { registerGetMetricsTool } from './get-metrics.js';
import { registerListAlarmsTool } from './list-alarms.js';
import { registerListResourcePoolsTool } from './list-resource-pools.js';
import { registerListTasksTool } from './list-tasks.js';
import { registerListTagsTool } from './list-tags.js';
import { registerListLibraryItemsTool } from './list-library-items.js';
import { registerListFoldersTool } from './list-folders.js';
import { registerListNetworksTool } from './list-networks.js';
import { registerListVlansTool } from './list-vlans.js';
import { registerRecentEventsTool } from './recent-events.js';
import { registerGetHostTool } from './get-host.js';
import { registerGetVmTool } from './get-vm.js';
import { registerListHostsTool } from './list-hosts.js';
import { registerListSnapshotsTool } from './list-snapshots.js';
import { registerListVmsTool } from './list-vms.js';
import { registerPowerTool } from './power.js';
import { registerSnapshotCreateTool } from './snapshot-create.js';
import { registerSnapshotDeleteTool } from './snapshot-delete.js';
import { registerSnapshotRevertTool } from './snapshot-revert.js';
import { registerCloneVmTool } from './clone-vm.js';
import { registerHostMaintenanceTool } from './host-maintenance.js';
import { registerMigrateVmTool } from './migrate-vm.js';
import { registerReconfigureVmTool } from './reconfigure-vm.js';
import { type Toolkit } from '../../runtime/toolkit/index.js';

/** What every vSphere tool may use. */
export interface VsphereToolDeps {
  readonly clients: VsphereClients;
  /** How long power and snapshot tools wait for their Task. */
  readonly taskDeadlineMs: number;
  /** Rows of recent list queries, for their later pages. */
  readonly snapshots: RowSnapshots;
  /** The vSphere endpoints with host, read-only and lock state, from the broker. */
  readonly listEndpoints: () => Promise<EndpointSummary[]>;
  /** Hears why a listing read afresh instead of from the kept inventory (issue 17). */
  readonly onInventoryFallback?: (error: unknown) => void;
}

/** Registers every vSphere tool (issue 5's table) on `server`. */
export function registerTools(tools: Toolkit, deps: VsphereToolDeps): void {
  registerListEndpointsTool(tools, deps);
  registerListVmsTool(tools, deps);
  registerGetVmTool(tools, deps);
  registerListHostsTool(tools, deps);
  registerGetHostTool(tools, deps);
  registerListSnapshotsTool(tools, deps);
  registerPowerTool(tools, deps);
  registerSnapshotCreateTool(tools, deps);
  registerSnapshotRevertTool(tools, deps);
  registerSnapshotDeleteTool(tools, deps);
  registerListClustersTool(tools, deps);
  registerListDatacentersTool(tools, deps);
  registerGetDatacenterTool(tools, deps);
  registerListDatastoresTool(tools, deps);
  registerGetDatastoreTool(tools, deps);
  registerListFoldersTool(tools, deps);
  registerGetFolderTool(tools, deps);
  registerListNetworksTool(tools, deps);
  registerGetNetworkTool(tools, deps);
  registerListVlansTool(tools, deps);
  registerRecentEventsTool(tools, deps);
  // Issue 16: more read tools.
  registerListResourcePoolsTool(tools, deps);
  registerListTasksTool(tools, deps);
  registerListAlarmsTool(tools, deps);
  registerBrowseDatastoreTool(tools, deps);
  registerGetMetricsTool(tools, deps);
  registerListTagsTool(tools, deps);
  registerListLibraryItemsTool(tools, deps);
  // Issue 16 writes (h11), each with its plan step.
  registerCloneVmTool(tools, deps);
  registerMigrateVmTool(tools, deps);
  registerReconfigureVmTool(tools, deps);
  registerHostMaintenanceTool(tools, deps);
}
