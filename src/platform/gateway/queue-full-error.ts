import { CoreError } from '../../base/errors/core-error.js';

/** A call refused because its session or client already has the most calls waiting for a child (D212). */
export class QueueFullError extends CoreError {
  override readonly name = 'QueueFullError' as const;
  readonly code = 'CORE_QUEUE_FULL' as const;
  constructor(readonly waiting: number, readonly whose: 'session' | 'client') {
    super(`too many calls waiting for the server (${waiting} of this ${whose}'s already wait for a place); retry after some of them end`);
  }
}
