import { CoreError } from './core-error.js';

/**
 * A message that failed its zod contract or came from an untrusted sender (STYLE.md §3).
 * The receiver throws this and never continues with partial data.
 */
export class ContractViolationError extends CoreError {
  override readonly name = 'ContractViolationError' as const;
  readonly code = 'CORE_CONTRACT_VIOLATION' as const;
}
