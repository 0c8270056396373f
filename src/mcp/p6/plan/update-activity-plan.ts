import { p6Clause, type P6Client } from '../../../connectors/p6/index.js';
import type { PlanDraft } from '../../runtime/plan/tool-planner.js';
import { P6ToolError } from '../p6-tool-error.js';
import { readProjectFacts } from './project-facts.js';
import { preconditionP6Value, showP6Value } from './p6-values.js';

/**
 * Plan of p6_update_activity: reads the activity's current values of the fields it changes,
 * its project and LastUpdateDate. "Set PercentComplete 40 → 50 and Status 'Not Started' →
 * 'In Progress' on activity A1030 in project NORTH-LINE".
 */
export async function updateActivityPlan(client: P6Client, objectId: number, changes: Record<string, unknown>): Promise<PlanDraft> {
  const fields = Object.keys(changes);
  if (fields.length === 0) throw new P6ToolError('P6_BAD_ARGUMENTS', 'changes is empty; name at least one field to change');
  const [row] = await client.read('activity', { fields: [...new Set(['ObjectId', 'Id', 'Name', 'ProjectId', 'ProjectObjectId', 'LastUpdateDate', ...fields])], filter: p6Clause('ObjectId', ':eq:', objectId) });
  if (!row) throw new P6ToolError('P6_NOT_FOUND', `no activity has ObjectId ${objectId}; find it with p6_list_activities`);
  const id = String(row['Id'] ?? objectId);
  const where = `activity ${id}${row['ProjectId'] ? ` in project ${String(row['ProjectId'])}` : ''}`;
  const object = `${where} (ObjectId ${objectId})`;
  const phrases = fields.map((f) => (preconditionP6Value(row[f]) === preconditionP6Value(changes[f]) ? `${f} ${showP6Value(changes[f])} (unchanged)` : `${f} ${showP6Value(row[f])} → ${showP6Value(changes[f])}`));
  const list = phrases.length === 1 ? phrases[0]! : `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)!}`;
  const facts = await readProjectFacts(client, row['ProjectObjectId']);
  return {
    summary: `Set ${list} on ${where}`,
    changes: fields.map((f) => ({ object, field: f, before: showP6Value(row[f]), after: showP6Value(changes[f]) })),
    objects: [object],
    precondition: [{
      object: `activity ${id}`,
      type: 'activity',
      id: String(objectId),
      values: Object.fromEntries(['LastUpdateDate', ...fields].map((f) => [f, preconditionP6Value(row[f])])),
    }],
    facts: [facts],
  };
}
