import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { LoggerProvider, type LogRecordExporter, type LogRecordProcessor, type ReadableLogRecord, type SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { AuditInput, AuditRecord } from '../../base/contracts/audit-event.js';
import { otlpUrlProblem, type OtlpExportSettings } from '../../base/contracts/config.js';
import { BugError } from '../../base/errors/core-error.js';
import type { Event } from '../../base/events/emitter.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import { AUDIT_OTLP_SCOPE, auditLogRecord, auditOtlpResource } from './audit-otlp.js';

/** The audit log as the exporter sees it: records as written (redacted), and a place to report drops. */
export interface AuditSource {
  readonly onDidAppend: Event<AuditRecord>;
  appendBounded(input: AuditInput): AuditRecord | undefined;
}

/** How an AuditOtlpExporter is built. Limits default to the values below; tests shrink them. */
export interface AuditOtlpExporterOptions {
  settings: OtlpExportSettings;
  audit: AuditSource;
  /** Records waiting to be sent at most; more are dropped and counted. Default 2048. */
  maxQueue?: number;
  /** Records per export request. Default 512. */
  batchSize?: number;
  /** How often queued records are sent. Default 1000 ms. */
  exportIntervalMs?: number;
  /** Drops are audited at most once per this interval, as one coalesced record. Default 60 s. */
  dropReportIntervalMs?: number;
  /** One export request's time limit. Default 5000 ms. */
  timeoutMs?: number;
  /** Swap the transport (tests); default the SDK's OTLP/HTTP JSON exporter for `settings`. */
  exporter?: LogRecordExporter;
  /** Epoch ms now; tests pin it. */
  now?: () => number;
}

/** What the exporter has done so far. */
export interface AuditOtlpStats {
  exported: number;
  /** Records dropped so far: queue full, or the collector refused or was unreachable. */
  dropped: number;
  queued: number;
}

/** `settings.url` as the logs URL to POST to: `/v1/logs` when it has no path. */
export function otlpLogsUrl(settings: OtlpExportSettings): string {
  const problem = otlpUrlProblem(settings.url);
  if (problem) throw new BugError(`audit.otlp.url ${problem}; the config contract should have refused it`);
  const url = new URL(settings.url);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/logs';
  return url.toString();
}

/**
 * Live export of the audit trail to an OpenTelemetry collector over OTLP/HTTP (JSON),
 * issue 14 item 5. Every record the AuditLog writes (already redacted) becomes an OTel log
 * record through the SDK's LoggerProvider and leaves through the SDK's OTLPLogExporter.
 *
 * It can never block or crash the host: records wait in a bounded queue (this class is the
 * provider's processor); one request at a time is in flight, with a time limit; what does
 * not fit, or what a down collector refuses, is dropped and counted, and the count is
 * audited at most once per interval as one `export.dropped` record (a coalesced record,
 * so a long outage can never rotate real history away).
 */
export class AuditOtlpExporter extends DisposableBase implements LogRecordProcessor {
  private readonly queue: ReadableLogRecord[] = [];
  private readonly provider: LoggerProvider;
  private readonly transport: LogRecordExporter;
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | undefined;
  private exported = 0;
  private droppedTotal = 0;
  /** Drops not yet audited, and when the first of them happened. */
  private unreported = 0;
  private unreportedSince: string | undefined;
  private reportedAt = Number.NEGATIVE_INFINITY;
  private readonly maxQueue: number;
  private readonly batchSize: number;
  private readonly now: () => number;

  constructor(private readonly options: AuditOtlpExporterOptions) {
    super();
    this.maxQueue = options.maxQueue ?? 2048;
    this.batchSize = options.batchSize ?? 512;
    this.now = options.now ?? Date.now;
    this.transport = options.exporter ?? new OTLPLogExporter({
      url: otlpLogsUrl(options.settings),
      headers: { ...options.settings.headers },
      timeoutMillis: options.timeoutMs ?? 5000,
      // This class sends one request at a time itself. The SDK frees its slot only after our
      // result callback returns, so a limit of 1 would refuse the next batch sent from it.
      concurrencyLimit: 2,
    });
    this.provider = new LoggerProvider({ resource: auditOtlpResource(), processors: [this] });
    const logger = this.provider.getLogger(AUDIT_OTLP_SCOPE);
    this.register(options.audit.onDidAppend((record) => logger.emit(auditLogRecord(record))));
    this.timer = setInterval(() => this.tick(), options.exportIntervalMs ?? 1000);
    // Never what keeps the process alive.
    this.timer.unref();
  }

  /** LogRecordProcessor: queue one record, or count it dropped when the queue is full. */
  onEmit(logRecord: SdkLogRecord): void {
    if (this.isDisposed) return;
    if (this.queue.length >= this.maxQueue) this.drop(1);
    else this.queue.push(logRecord);
  }

  /** LogRecordProcessor: send what is queued now. */
  forceFlush(): Promise<void> {
    return this.flush();
  }

  /** LogRecordProcessor: nothing of its own to stop; `dispose()` stops the exporter. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  /** What was exported and dropped so far. */
  stats(): AuditOtlpStats {
    return { exported: this.exported, dropped: this.droppedTotal, queued: this.queue.length };
  }

  /** Send everything queued now, batch after batch; resolves when done (failures are counted, never thrown). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    while (this.queue.length > 0) {
      this.sendBatch();
      while (this.inFlight) await this.inFlight;
    }
    this.reportDrops();
  }

  private tick(): void {
    if (!this.inFlight && this.queue.length > 0) this.sendBatch();
    this.reportDrops();
  }

  /** One export request for the oldest queued records. */
  private sendBatch(): void {
    const batch = this.queue.splice(0, this.batchSize);
    let settle: () => void = () => undefined;
    const flight = new Promise<void>((resolve) => (settle = resolve));
    this.inFlight = flight;
    let finished = false;
    // The transport may answer synchronously (a refusal) or later; either way exactly once.
    const done = (ok: boolean) => {
      if (finished) return;
      finished = true;
      if (ok) this.exported += batch.length;
      else this.drop(batch.length);
      if (this.inFlight === flight) this.inFlight = undefined;
      settle();
      // A backlog goes out at once, not one batch per interval.
      if (!this.isDisposed && this.queue.length >= this.batchSize) setImmediate(() => this.tick());
    };
    try {
      this.transport.export(batch, (result) => done(result.code === ExportResultCode.SUCCESS));
    } catch {
      // Security: nothing from the exporter's error is kept: it might echo a header.
      done(false);
    }
  }

  private drop(count: number): void {
    this.droppedTotal += count;
    if (this.unreported === 0) this.unreportedSince = new Date(this.now()).toISOString();
    this.unreported += count;
  }

  /** Audit the drops since the last report, at most once per interval. */
  private reportDrops(): void {
    if (this.unreported === 0 || this.isDisposed) return;
    const now = this.now();
    if (now - this.reportedAt < (this.options.dropReportIntervalMs ?? 60_000)) return;
    const count = this.unreported;
    const written = this.options.audit.appendBounded({
      event: 'export.dropped',
      count,
      ...(this.unreportedSince ? { since: this.unreportedSince } : {}),
      reason: `${count} audit record(s) not delivered to the OTLP collector (unreachable, refused, or queue full); they remain in audit.log`,
    });
    this.reportedAt = now;
    // A report the log has no room for is retried next interval with the sum.
    if (written) {
      this.unreported = 0;
      this.unreportedSince = undefined;
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearInterval(this.timer);
    super.dispose();
    // Best effort: what is queued goes out in the background, after the request in flight
    // (the transport takes one at a time and would refuse it), within the request's time limit.
    const rest = this.queue.splice(0);
    const send = (): Promise<void> => new Promise<void>((resolve) => {
      if (rest.length === 0) return resolve();
      try {
        this.transport.export(rest, () => resolve());
      } catch {
        resolve();
      }
    });
    void (this.inFlight ?? Promise.resolve())
      .then(send)
      .then(() => this.transport.shutdown())
      .catch(() => undefined);
    void this.provider.shutdown().catch(() => undefined);
  }
}
