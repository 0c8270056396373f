import type { P6Client, P6Row } from '../../../connectors/p6/index.js';
import type { PlanChange } from '../../../base/contracts/approval.js';
import type { PreconditionObject } from '../../../base/contracts/plan-protocol.js';
import type { PlanDraft } from '../../runtime/plan/tool-planner.js';
import type { TargetFacts } from '../../../base/contracts/policy.js';
import { P6ToolError } from '../p6-tool-error.js';
import { preconditionP6Value, showP6Value } from './p6-values.js';
import { readProjectFacts } from './project-facts.js';

/**
 * Resources whose current values a PUT plan reads, each with whether it carries LastUpdateDate
 * (reference p6-rest-api.md: project, obs; activity as in P6's object model). A Map, not an
 * object: a path the guard lets through such as `constructor` is no known resource.
 */
const KNOWN_PUT: ReadonlyMap<string, boolean> = new Map([
  ['activity', true],
  ['project', true],
  ['obs', true],
  ['wbs', false],
  ['eps', false],
  ['resource', false],
  ['resourceAssignment', false],
  ['relationship', false],
]);
const FIELD = /^[A-Za-z][A-Za-z0-9]*$/;
const MAX_SHOWN = 50;
/** The plan contract's limit on changes (`ChildPlan.changes`, plan-protocol.ts): a plan past it is refused by the gateway. */
const MAX_CHANGES = 500;

/** What p6_call's plan needs of the call. */
export interface CallPlanInput {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments under the REST base, as the guard resolved them. */
  readonly segments: readonly string[];
  readonly query: Readonly<Record<string, string>>;
  readonly body?: readonly Record<string, unknown>[];
}

function bodySummary(body: readonly Record<string, unknown>[]): string {
  const keys = [...new Set(body.flatMap((o) => Object.keys(o)))];
  return `${body.length} object(s) with ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}`;
}

/**
 * Plan of p6_call: says the method, path and a body summary; for a PUT on a known resource it
 * reads the current values of the fields it sets (and LastUpdateDate) as before/after and
 * precondition. A GET changes nothing and says so.
 */
export async function callPlan(client: P6Client, input: CallPlanInput): Promise<PlanDraft> {
  const { method, segments, query, body } = input;
  const path = segments.join('/');
  const target = `P6 ${path}`;
  // Security: the plan must cover every argument that can act. A body on a GET is refused
  // (nothing to show for it), and a DELETE's body ObjectIds (some P6 versions read the ids
  // there, reference §5) are named in the plan with the query's (h13 review).
  if (method === 'GET') {
    if (body !== undefined) throw new P6ToolError('P6_BAD_ARGUMENTS', 'GET takes no body; put filters in query (e.g. {"Filter":"Status:eq:\'Active\'"})');
    const q = Object.keys(query);
    return { summary: `Read ${path} from P6 (GET${q.length ? ` with ${q.join(', ')}` : ''}); nothing changes`, changes: [], objects: [target], precondition: [] };
  }
  // A write's plan names no query parameter, so a write takes none but a DELETE's ObjectId.
  const extra = Object.keys(query).filter((k) => !(method === 'DELETE' && k === 'ObjectId'));
  if (extra.length > 0) throw new P6ToolError('P6_BAD_ARGUMENTS', `${method} takes no query parameters${method === 'DELETE' ? ' but ObjectId' : ''} (got ${extra.slice(0, 5).join(', ')}); send the objects in body`);
  if (method === 'DELETE') {
    if (body?.some((o) => Object.keys(o).some((k) => k !== 'ObjectId') || !Number.isSafeInteger(o['ObjectId']))) {
      throw new P6ToolError('P6_BAD_ARGUMENTS', 'a DELETE body may only list objects as [{"ObjectId":101}]; put the ObjectIds in query.ObjectId instead');
    }
    const fromQuery = (query['ObjectId'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const ids = [...new Set([...fromQuery, ...(body ?? []).map((o) => String(o['ObjectId']))])];
    if (ids.length === 0) throw new P6ToolError('P6_BAD_ARGUMENTS', 'DELETE needs query.ObjectId with the ObjectIds to delete, e.g. {"ObjectId":"101,102"}');
    return {
      summary: `Delete ${ids.length} ${path} object(s) in P6 (DELETE ${path}, ObjectId ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''})`,
      changes: ids.slice(0, MAX_SHOWN).map((id) => ({ object: `${path} ${id}`, field: 'object', before: 'exists' })),
      objects: ids.slice(0, 100).map((id) => `${path} ${id}`),
      precondition: [],
    };
  }
  if (!body || body.length === 0) throw new P6ToolError('P6_BAD_ARGUMENTS', `${method} needs body: a non-empty array of objects`);
  if (method === 'POST') {
    const changes: PlanChange[] = body.slice(0, MAX_SHOWN).flatMap((o, i) => Object.entries(o).slice(0, 20).map(([f, v]) => ({ object: `new ${path} #${i + 1}`, field: f, after: showP6Value(v) }))).slice(0, MAX_CHANGES);
    return { summary: `Create ${body.length} ${path} object(s) in P6 (POST ${path}: ${bodySummary(body)})`, changes, objects: [target], precondition: [] };
  }
  // PUT
  // Number.isSafeInteger is false for anything but a number, so a string ObjectId is refused too.
  if (body.some((o) => !Number.isSafeInteger(o['ObjectId']))) {
    throw new P6ToolError('P6_BAD_ARGUMENTS', 'every PUT object needs an integer ObjectId (find it with the p6_list tools)');
  }
  const stamped = segments.length === 1 ? KNOWN_PUT.get(segments[0]!) : undefined;
  const fields = [...new Set(body.flatMap((o) => Object.keys(o)).filter((f) => f !== 'ObjectId'))];
  if (stamped === undefined || fields.some((f) => !FIELD.test(f))) {
    const changes: PlanChange[] = body.slice(0, MAX_SHOWN).flatMap((o) => Object.entries(o).filter(([f]) => f !== 'ObjectId').slice(0, 20).map(([f, v]) => ({ object: `${path} ${String(o['ObjectId'])}`, field: f, after: showP6Value(v) }))).slice(0, MAX_CHANGES);
    return { summary: `Update ${body.length} ${path} object(s) in P6 (PUT ${path}: ${bodySummary(body)}); current values not read for this path`, changes, objects: body.slice(0, 100).map((o) => `${path} ${String(o['ObjectId'])}`), precondition: [] };
  }
  const resource = segments[0]!;
  const readFields = [...(stamped ? ['LastUpdateDate'] : []), ...fields];
  const ids = [...new Set(body.map((o) => o['ObjectId'] as number))].sort((a, b) => a - b);
  const rows = await client.readByIds(resource, [...new Set(['ObjectId', ...readFields, ...(resource === 'activity' ? ['ProjectObjectId'] : [])])], ids);
  const read = withRows(resource, body, rows);
  const changes: PlanChange[] = [];
  const precondition: PreconditionObject[] = [];
  for (const { o, row } of read) {
    const object = `${resource} ${String(o['ObjectId'])}`;
    for (const [f, v] of Object.entries(o)) if (f !== 'ObjectId' && changes.length < MAX_CHANGES) changes.push({ object, field: f, before: showP6Value(row[f]), after: showP6Value(v) });
    if (precondition.length < 100) precondition.push({ object, type: resource, id: String(o['ObjectId']), values: Object.fromEntries(readFields.map((f) => [f, preconditionP6Value(row[f])])) });
  }
  const first = changes.slice(0, 3).map((c) => `${c.field} ${c.before} → ${c.after}`).join(', ');
  const facts = await putFacts(client, resource, read);
  return {
    summary: `Update ${body.length} ${resource} object(s) in P6 (PUT ${path}): ${first}${changes.length > 3 ? ', …' : ''}${body.length === 1 ? ` on ${resource} ${String(body[0]!['ObjectId'])}` : ''}`,
    changes,
    objects: body.slice(0, 100).map((o) => `${resource} ${String(o['ObjectId'])}`),
    precondition,
    ...(facts && { facts }),
  };
}

/** A PUT's body object with the row P6 returned for its ObjectId. */
interface ReadObject {
  readonly o: Readonly<Record<string, unknown>>;
  readonly row: P6Row;
}

/**
 * Pairs each body object, in body order, with the row P6 returned for its ObjectId, so that
 * every later step has a row by type. An ObjectId P6 did not return is refused, naming up to
 * ten of them in ascending order.
 */
function withRows(resource: string, body: readonly Record<string, unknown>[], rows: readonly P6Row[]): ReadObject[] {
  const read: ReadObject[] = [];
  const missing = new Set<number>();
  for (const o of body) {
    const row = rows.find((r) => r['ObjectId'] === o['ObjectId']);
    if (row) read.push({ o, row });
    else missing.add(o['ObjectId'] as number);
  }
  if (missing.size > 0) throw new P6ToolError('P6_NOT_FOUND', `no ${resource} has ObjectId ${[...missing].sort((a, b) => a - b).slice(0, 10).join(', ')}; check the ObjectIds with the p6_list tools`);
  return read;
}

/**
 * The policy facts of a PUT's objects (issue 14), one per object in body order: the facts of
 * the project an activity belongs to, or of the project itself, as they are before the change.
 * None (every rule on facts unknown: never allows) for other resources and for more objects
 * than a plan names, since an unnamed object would go unchecked.
 */
async function putFacts(client: P6Client, resource: string, read: readonly ReadObject[]): Promise<TargetFacts[] | undefined> {
  if ((resource !== 'activity' && resource !== 'project') || read.length > 100) return undefined;
  const byProject = new Map<unknown, Promise<TargetFacts>>();
  const factsOf = (projectObjectId: unknown) => {
    if (!byProject.has(projectObjectId)) byProject.set(projectObjectId, readProjectFacts(client, projectObjectId));
    return byProject.get(projectObjectId)!;
  };
  return Promise.all(read.map(({ o, row }) => factsOf(resource === 'project' ? o['ObjectId'] : row['ProjectObjectId'])));
}
