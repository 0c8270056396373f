import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { isMoRef, xmlElement } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { taskRef } from '../inventory/task-ref.js';
import { ADDITIVE, endpointArg, toolResult } from './tool-support.js';

/** `vsphere_snapshot_create`: take a snapshot and wait for it. */
export function registerSnapshotCreateTool(server: McpServer, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  server.registerTool(
    'vsphere_snapshot_create',
    {
      title: 'Create a VM snapshot',
      description: 'Take a snapshot of a VM and wait until it exists.',
      inputSchema: {
        endpoint: endpointArg,
        vm: z.string().min(1).max(256).describe('VM name (exact) or moref such as vm-63'),
        name: z.string().min(1).max(80).describe('Snapshot name'),
        description: z.string().max(1024).optional().describe('Snapshot description'),
        memory: z.boolean().default(false).describe('Include the memory of a running VM (slower, larger)'),
        quiesce: z.boolean().default(false).describe('Quiesce the guest file system first (needs VMware Tools)'),
      },
      outputSchema: { vm: z.string().describe('VM name'), snapshot: z.string().describe('Moref of the new snapshot'), name: z.string().describe('Snapshot name') },
      annotations: ADDITIVE,
    },
    async ({ endpoint, vm, name, description, memory, quiesce }) => {
      const client = await deps.clients.forEndpoint(endpoint);
      const target = await findEntity(client, 'VirtualMachine', vm, 'VM');
      // WSDL order: name, description, memory, quiesce.
      const params = xmlElement('name', name) + (description !== undefined ? xmlElement('description', description) : '') + `<memory>${memory}</memory><quiesce>${quiesce}</quiesce>`;
      const task = taskRef(await client.invoke('CreateSnapshot_Task', target.ref, params), 'CreateSnapshot_Task');
      const result = await client.waitForTask(task, { deadlineMs: deps.taskDeadlineMs });
      const snapshot = isMoRef(result) ? result.value : '';
      return toolResult({ vm: target.name, snapshot, name }, `created snapshot ${name} (${snapshot}) of ${target.name}`);
    },
  );
}
