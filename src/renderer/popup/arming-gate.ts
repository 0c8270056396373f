import { ARM_DELAY_MS } from '../../base/approval-arming.js';

/**
 * The click-through guard of the approval popup (issue 11): after a request appears, or
 * replaces the one just answered, its buttons do nothing for `delayMs`, and the progress is
 * shown as a fill on the buttons. A double-click on "Allow once" therefore answers the first
 * request only: its second click lands on the next request while that is still arming.
 *
 * The timer is authoritative; the animation frame only paints progress (it pauses in a
 * hidden page, the timer does not matter there because hiding disarms).
 */
export class ArmingGate {
  private key: string | undefined;
  private armedKey: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private frame: number | undefined;
  private startedAt = 0;

  constructor(
    private readonly onProgress: (fraction: number, armed: boolean) => void,
    private readonly delayMs = ARM_DELAY_MS,
  ) {}

  /** Start (or restart) arming for the request `key`; until it is armed, `isArmed(key)` is false. */
  start(key: string): void {
    this.stop();
    this.key = key;
    this.startedAt = performance.now();
    this.onProgress(0, false);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedKey = key;
      this.cancelFrame();
      this.onProgress(1, true);
    }, this.delayMs);
    this.paint();
  }

  /** Disarm and stop: nothing is armed until the next `start`. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.cancelFrame();
    this.armedKey = undefined;
    this.key = undefined;
  }

  /** Paint the current state again (after the buttons were re-rendered). */
  refresh(): void {
    if (this.armedKey !== undefined) this.onProgress(1, true);
    else this.onProgress(this.timer === undefined ? 0 : Math.min(1, (performance.now() - this.startedAt) / this.delayMs), false);
  }

  /** The request now arming or armed, if any. */
  get current(): string | undefined {
    return this.key;
  }

  /** True once `key` has been shown for the whole delay without interruption. */
  isArmed(key: string): boolean {
    return this.armedKey !== undefined && this.armedKey === key;
  }

  private paint(): void {
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      if (this.timer === undefined) return;
      this.onProgress(Math.min(1, (performance.now() - this.startedAt) / this.delayMs), false);
      this.paint();
    });
  }

  private cancelFrame(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
  }
}
