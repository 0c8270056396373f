import { z } from 'zod';
import { asArray, isMoRef, xmlElement, type PropertyValue } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { taskRef } from '../inventory/task-ref.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { compact, endpointArg, num, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const FileOutput = z.object({
  path: z.string().describe('Datastore path, e.g. "[datastore1] vm1/vm1.vmx"'),
  type: z.string().describe('folder, vmdk, vmx, log, iso, nvram, snapshot or file'),
  sizeBytes: z.number().optional().describe('Size in bytes'),
  modified: z.string().optional().describe('Last modification time'),
});
type Obj = Record<string, PropertyValue>;
const obj = (v: PropertyValue | undefined): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) && !isMoRef(v) ? (v as Obj) : undefined);
/**
 * FileInfo subtypes by name, shortened for the model. A Map, not an object: the type is
 * vCenter's text (`xsi:type`), and `constructor` must not find a function.
 */
const KIND = new Map(Object.entries({
  FolderFileInfo: 'folder', VmDiskFileInfo: 'vmdk', VmConfigFileInfo: 'vmx', VmLogFileInfo: 'log', IsoImageFileInfo: 'iso',
  VmNvramFileInfo: 'nvram', VmSnapshotFileInfo: 'snapshot', FloppyImageFileInfo: 'floppy', TemplateConfigFileInfo: 'vmtx',
}));

/** The short kind of a FileInfo subtype; `file` for any other; exported for its test. */
export function fileKind(type: string | undefined): string {
  return KIND.get(type ?? '') ?? 'file';
}
/**
 * A folder path inside a datastore: no "..", no brackets (they delimit the datastore name).
 * Security: the path is the model's input; it must not climb out of the named datastore.
 */
const FolderPath = z.string().max(1024).regex(/^(?!.*(^|\/)\.\.(\/|$))[^[\]\0]*$/, 'a folder path inside the datastore, without ".." or brackets');

/** `vsphere_browse_datastore`: files and folders in a datastore folder (HostDatastoreBrowser, issue 16). */
export function registerBrowseDatastoreTool(tools: Toolkit, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  tools.define({
    name: 'vsphere_browse_datastore',
    title: 'Browse a datastore',
    description: 'List the files and folders in one folder of a datastore (or, with recursive, everything below it), with type, size and modification time. Reads only; finds ISOs, VM folders, disks and orphaned files.',
    inputSchema: {
      endpoint: endpointArg,
      datastore: z.string().min(1).max(256).describe('Datastore name (exact) or moref'),
      path: FolderPath.default('').describe('Folder inside the datastore, e.g. "vm1" or "iso/linux"; empty for the top'),
      pattern: z.string().max(256).regex(/^[^/\0]*$/).optional().describe('Only names matching this pattern, e.g. "*.iso" or "*.vmdk"'),
      recursive: z.boolean().default(false).describe('Include every subfolder (can be slow on a large datastore)'),
      maxCount: z.number().int().min(1).max(5000).default(500).describe('Most entries to return (default 500)'),
    },
    outputSchema: { datastore: z.string(), folder: z.string().describe('The folder listed'), files: z.array(FileOutput).describe('Entries sorted by path'), total: z.number().int().describe('Entries found before maxCount') },
    annotations: READ_ONLY,
    run: async ({ endpoint, datastore, path, pattern, recursive, maxCount }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const ds = await findEntity(client, 'Datastore', datastore, 'datastore');
      const [props] = await client.retrieveObjects([ds.ref], ['browser']);
      const browser = props?.props['browser'];
      if (!isMoRef(browser)) throw new VsphereToolError(`datastore ${ds.name} has no browser (is it accessible from any host?); check it with vsphere_get_datastore`);
      const folder = `[${ds.name}] ${path.replace(/^\/+|\/+$/g, '')}`.trimEnd();
      // HostDatastoreBrowserSearchSpec in WSDL order: query, details, searchCaseInsensitive, matchPattern.
      const spec = '<details><fileType>true</fileType><fileSize>true</fileSize><modification>true</modification><fileOwner>false</fileOwner></details>' +
        // "*" when none: vCenter lists everything without a pattern, but vcsim lists nothing.
        xmlElement('matchPattern', pattern ?? '*');
      const method = recursive ? 'SearchDatastoreSubFolders_Task' : 'SearchDatastore_Task';
      const task = taskRef(await client.invoke(method, browser, xmlElement('datastorePath', folder) + `<searchSpec>${spec}</searchSpec>`), method);
      const result = await client.waitForTask(task, { deadlineMs: deps.taskDeadlineMs });
      const files: z.infer<typeof FileOutput>[] = [];
      for (const r of asArray(result)) {
        const res = obj(r);
        const base = str(res?.['folderPath']) ?? folder;
        for (const f of asArray(res?.['file'])) {
          const info = obj(f);
          const name = str(info?.['path']);
          if (!info || !name) continue;
          files.push(compact({
            path: `${base}${base.endsWith(']') || base.endsWith('/') ? (base.endsWith(']') ? ' ' : '') : '/'}${name}`,
            type: fileKind(str(info['_type'])),
            sizeBytes: num(info['fileSize']),
            modified: str(info['modification']),
          }));
        }
      }
      files.sort((a, b) => a.path.localeCompare(b.path));
      const shown = files.slice(0, maxCount);
      return toolResult(`${shown.length} of ${files.length} entries in ${folder}`, { datastore: ds.name, folder, files: shown, total: files.length });
    },
  });
}
