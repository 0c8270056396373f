import { p6Clause, type P6Client } from '../../../connectors/p6/index.js';
import type { Precondition, PreconditionObject } from '../../../base/contracts/plan-protocol.js';
import { changedSentence, diffPrecondition, type PreconditionChange } from '../../runtime/plan/precondition-diff.js';
import { preconditionP6Value } from './p6-values.js';

/** Why a value changed; changedSentence asks only for a changed value, never a gone object. */
function explain(change: PreconditionChange): string {
  if (change.key === 'LastUpdateDate') return 'it was updated in P6 by someone else';
  return `its ${change.key} was changed by someone else`;
}

/**
 * Re-reads a P6 precondition (each object's LastUpdateDate and the fields the plan read) by
 * ObjectId, just before an approved write runs. Returns the "changed since you approved"
 * sentence, or undefined when every value still holds.
 */
export async function recheckP6(client: P6Client, precondition: Precondition): Promise<string | undefined> {
  // Stryker disable next-line ArrayDeclaration: a start value that is not an object matches no approved object's type and id, like an empty list
  const current: PreconditionObject[] = [];
  for (const was of precondition) {
    // The fields the plan read (never ObjectId: the plans bind LastUpdateDate and the fields they set).
    const fields = Object.keys(was.values);
    const [row] = await client.read(was.type, { fields: ['ObjectId', ...fields], filter: p6Clause('ObjectId', ':eq:', Number(was.id)) });
    if (row) current.push({ ...was, values: Object.fromEntries(fields.map((f) => [f, preconditionP6Value(row[f])])) });
  }
  // The LastUpdateDate changes first (it says best what happened), the others after, each in order.
  const changes = diffPrecondition(precondition, current);
  const updated = changes.filter((c) => c.key === 'LastUpdateDate');
  return changedSentence([...updated, ...changes.filter((c) => !updated.includes(c))], { explain });
}
