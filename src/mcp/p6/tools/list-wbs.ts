import { p6Clause } from '../../../connectors/p6/index.js';
import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { projectArgs, projectOf } from './resolve-project.js';
import { listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'Code', 'Name', 'ParentObjectId', 'ProjectObjectId', 'SequenceNumber', 'Status'];

/** `p6_list_wbs`: the WBS nodes of one project. */
export function registerListWbsTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_wbs',
    title: 'List P6 WBS',
    description: 'List the WBS (work breakdown structure) nodes of one P6 project, in pages.',
    inputSchema: {
      ...projectArgs,
      ...listArgs('WBS', DEFAULT_FIELDS, 500, 5000),
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: 'wbs',
        defaultFields: DEFAULT_FIELDS,
        noun: 'WBS nodes',
        filter: async () => p6Clause('ProjectObjectId', ':eq:', (await projectOf(deps, args, true, extra.signal))!),
      }, extra.signal),
  });
}
