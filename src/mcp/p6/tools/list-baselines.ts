import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { projectArgs, projectOf } from './resolve-project.js';
import { clauseIf, listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'Id', 'Name', 'OriginalProjectObjectId', 'BaselineTypeName', 'DataDate', 'StartDate', 'FinishDate', 'LastUpdateDate'];

/** `p6_list_baselines`: the baselines of a project, or all baselines (issue 16). */
export function registerListBaselinesTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_baselines',
    title: 'List P6 baselines',
    description: 'List baseline projects (P6 BaselineProject) of one project, or all, with type, data date, start and finish, in pages. A baseline ObjectId goes to p6_compare_baseline and p6_check_schedule.',
    inputSchema: {
      ...projectArgs,
      ...listArgs('BaselineProject', DEFAULT_FIELDS, 100, 1000),
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: 'baselineProject',
        defaultFields: DEFAULT_FIELDS,
        noun: 'baselines',
        filter: async () => clauseIf('OriginalProjectObjectId', ':eq:', await projectOf(deps, args, false, extra.signal)),
      }, extra.signal),
  });
}
