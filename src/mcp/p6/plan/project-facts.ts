import { p6Clause, type P6Client } from '../../../connectors/p6/index.js';
import type { TargetFacts } from '../../../base/contracts/policy.js';

/** Tree levels walked at most; a deeper (or looping) tree leaves the path out. */
const MAX_DEPTH = 32;

/** "Enterprise/Rail Delivery/North" from a node up its ParentObjectId chain, root first. */
async function treePath(client: P6Client, resource: 'obs' | 'eps', objectId: unknown): Promise<string | undefined> {
  const names: string[] = [];
  let id = objectId;
  for (let depth = 0; typeof id === 'number' && depth < MAX_DEPTH; depth++) {
    const [row] = await client.read(resource, { fields: ['ObjectId', 'Name', 'ParentObjectId'], filter: p6Clause('ObjectId', ':eq:', id) });
    if (!row) return undefined;
    names.push(String(row['Name'] ?? ''));
    id = row['ParentObjectId'];
  }
  return typeof id === 'number' ? undefined : names.reverse().join('/');
}

/** At most this many codes become the fact (the contract's list limit); more leaves it unknown. */
const MAX_CODES = 100;

/**
 * The project's code assignments as `Type:Value` (`Region:NORTH`), sorted; [] when it has
 * none. Undefined when the list would be incomplete (more than {@link MAX_CODES}, an entry
 * without a type or value, or longer than the contract's 256 characters): a partial list
 * could hide the code a deny rule looks for.
 */
async function projectCodes(client: P6Client, projectObjectId: number): Promise<string[] | undefined> {
  const rows = await client.read('projectCodeAssignment', { fields: ['ProjectObjectId', 'ProjectCodeTypeName', 'ProjectCodeValue'], filter: p6Clause('ProjectObjectId', ':eq:', projectObjectId) });
  if (rows.length > MAX_CODES) return undefined;
  const codes: string[] = [];
  for (const r of rows) {
    const type = r['ProjectCodeTypeName'];
    const value = r['ProjectCodeValue'];
    if (typeof type !== 'string' || typeof value !== 'string' || !type || !value) return undefined;
    const code = `${type}:${value}`;
    if (code.length > 256) return undefined;
    codes.push(code);
  }
  return [...new Set(codes)].sort();
}

/**
 * What a P6 plan read about a project for `policy.rules` (issue 14): its id, name, status,
 * OBS path, EPS path and project codes. A fact that cannot be read is left out, never
 * guessed: a rule that needs it then cannot allow.
 */
export async function readProjectFacts(client: P6Client, projectObjectId: unknown): Promise<TargetFacts> {
  const facts: TargetFacts = {};
  if (typeof projectObjectId !== 'number') return facts;
  try {
    const [p] = await client.read('project', { fields: ['ObjectId', 'Id', 'Name', 'Status', 'OBSObjectId', 'ParentEPSObjectId'], filter: p6Clause('ObjectId', ':eq:', projectObjectId) });
    if (!p) return facts;
    if (p['Id'] !== undefined) facts['project'] = String(p['Id']);
    if (p['Name'] !== undefined) facts['projectName'] = String(p['Name']);
    if (p['Status'] !== undefined) facts['status'] = String(p['Status']);
    const obs = await treePath(client, 'obs', p['OBSObjectId']);
    if (obs) facts['obs'] = obs;
    const eps = await treePath(client, 'eps', p['ParentEPSObjectId']);
    if (eps) facts['eps'] = eps;
  } catch {
    // Unreadable facts stay absent: rules that need them never allow.
  }
  try {
    const codes = await projectCodes(client, projectObjectId);
    if (codes) facts['codes'] = codes;
  } catch {
    // Security: codes unreadable (a P6 without the resource, a refusal): the fact stays absent.
  }
  return facts;
}
