import type { ApprovalRequest } from '../../base/contracts/approval.js';
import { CoreError } from '../../base/errors/core-error.js';

/**
 * Whether `request` guards against a process running as the user that can write config.json:
 * a policy consent (D259: a rule that lets changes run unasked) or an unlock asked by a server
 * config.json added (D250). Security (E7-redteam): in the desktop app such a prompt is answered
 * only by a click in its popup, never over the control socket, where that same process can
 * run `keybroker approve` (D22 lets the CLI answer the popup's other prompts).
 */
export function answeredInWindowOnly(request: ApprovalRequest): boolean {
  return request.subject.kind === 'policy' || (request.subject.kind === 'unlock' && request.subject.fromConfig !== undefined);
}

/** `keybroker approve ID` of a prompt the desktop app answers only in its window. */
export class AnsweredInWindowError extends CoreError {
  override readonly name = 'AnsweredInWindowError' as const;
  readonly code = 'CORE_APPROVAL_IN_WINDOW' as const;
  constructor(request: ApprovalRequest) {
    const what = request.subject.kind === 'policy' ? 'a policy consent (a rule config.json added)' : 'an unlock for a server config.json added';
    super(`approval ${request.id} is ${what}; the KeyBroker app takes it only from a click in its window, so that no program writing config.json can allow it: answer it there`);
  }
}
