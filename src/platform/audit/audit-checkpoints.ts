import { DisposableBase } from '../../base/lifecycle/disposable.js';
import type { AuditLog } from './audit-log.js';
import type { CheckpointKey } from './checkpoint-key.js';

/** How often checkpoints are written. */
export interface AuditCheckpointSchedule {
  /** After this many records since the last checkpoint. */
  readonly everyRecords: number;
  /** And this often while records were written since the last one. */
  readonly everyMinutes: number;
}

/**
 * Writes signed checkpoints into an AuditLog (issue 14 item 4): after every `everyRecords`
 * records, and every `everyMinutes` minutes when there were records since the last one. The
 * checkpoint is written on the next turn of the event loop, never inside the append that
 * reached the count (signing stays off the token path).
 */
export class AuditCheckpoints extends DisposableBase {
  private since = 0;
  private pending: NodeJS.Immediate | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly log: AuditLog,
    private readonly key: CheckpointKey,
    private readonly schedule: AuditCheckpointSchedule,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    super();
    this.register(
      log.onDidAppend((r) => {
        if (r.event === 'audit.checkpoint') return;
        this.since++;
        if (this.since >= schedule.everyRecords) this.pending ??= setImmediate(() => this.checkpoint());
      }),
    );
    this.timer = setInterval(() => {
      if (this.since > 0) this.checkpoint();
    }, schedule.everyMinutes * 60_000);
    this.timer.unref();
  }

  /** Write a checkpoint now (also used at a clean stop, so the last records are covered). */
  checkpoint(): void {
    clearImmediate(this.pending); // undefined: nothing to cancel
    this.pending = undefined;
    if (this.isDisposed) return;
    try {
      this.log.appendCheckpoint(this.key);
      this.since = 0;
    } catch (e) {
      this.onError(e);
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (this.since > 0) this.checkpoint();
    clearInterval(this.timer);
    super.dispose();
  }
}
