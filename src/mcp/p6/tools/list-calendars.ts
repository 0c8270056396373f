import { z } from 'zod';
import { p6And } from '../../../connectors/p6/index.js';
import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { projectArgs, projectOf } from './resolve-project.js';
import { clauseIf, likeIf, listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'Name', 'Type', 'IsDefault', 'IsPersonal', 'ProjectObjectId', 'BaseCalendarObjectId', 'HoursPerDay', 'HoursPerWeek'];

/** `p6_list_calendars`: global, resource and project calendars with their working hours (issue 16). */
export function registerListCalendarsTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_calendars',
    title: 'List P6 calendars',
    description: 'List P6 calendars (Global, Resource or Project) with hours per day and week, filtered by type, name or project, in pages. Durations and float in P6 are in hours: divide by HoursPerDay of the activity\'s calendar for days.',
    inputSchema: {
      type: z.enum(['Global', 'Resource', 'Project']).optional().describe('only calendars of this type'),
      name: z.string().min(1).max(100).optional().describe('name contains this text; use % as wildcard for other patterns'),
      ...projectArgs,
      ...listArgs('Calendar', DEFAULT_FIELDS, 100, 1000),
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: 'calendar',
        defaultFields: DEFAULT_FIELDS,
        noun: 'calendars',
        filter: async () => {
          const project = await projectOf(deps, args, false, extra.signal);
          return p6And(clauseIf('Type', ':eq:', args.type), likeIf('Name', args.name), clauseIf('ProjectObjectId', ':eq:', project));
        },
      }, extra.signal),
  });
}
