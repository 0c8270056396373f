import { SeverityNumber, type AnyValue, type LogRecord } from '@opentelemetry/api-logs';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { AuditRecord } from '../../base/contracts/audit-event.js';
import { formatAuditLine } from './format-audit-line.js';

/** The instrumentation scope audit records are emitted under. */
export const AUDIT_OTLP_SCOPE = 'keybroker.audit';
/** Prefix of the attributes that carry a record's fields (`keybroker.audit.endpoint`). */
export const AUDIT_ATTRIBUTE_PREFIX = 'keybroker.audit.';

/** The resource every exported audit record belongs to. */
export function auditOtlpResource(): Resource {
  return resourceFromAttributes({ 'service.name': 'keybroker' });
}

/** Outcomes and event endings that read as a warning in a log viewer. */
const WARN_OUTCOMES = new Set(['denied', 'failed', 'timeout']);
const WARN_EVENTS = /\.(denied|failed|rejected|invalid|dropped|expired)$/;

/**
 * One audit record as an OpenTelemetry log record: the event as `event.name` and the
 * event name, the human line (`keybroker audit`'s) as the body, every other field as a
 * `keybroker.audit.<field>` attribute. Only what the record holds: it is already redacted
 * (AuditLog writes and fires records redacted), so nothing is added that the file lacks.
 */
export function auditLogRecord(record: AuditRecord): LogRecord {
  const attributes: Record<string, AnyValue> = { 'event.name': record.event };
  for (const [key, value] of Object.entries(record)) {
    if (key === 'ts' || key === 'event' || value === undefined) continue;
    attributes[`${AUDIT_ATTRIBUTE_PREFIX}${key}`] = value as AnyValue;
  }
  const warn = (record.outcome !== undefined && WARN_OUTCOMES.has(record.outcome)) || WARN_EVENTS.test(record.event);
  return {
    eventName: record.event,
    timestamp: new Date(record.ts),
    severityNumber: warn ? SeverityNumber.WARN : SeverityNumber.INFO,
    severityText: warn ? 'WARN' : 'INFO',
    body: formatAuditLine(record),
    attributes,
  };
}

/**
 * The OTLP/JSON logs export request body (`ExportLogsServiceRequest`) for `records`, as
 * the live exporter would send them: built with the same SDK and serializer, so
 * `keybroker audit export --format otlp` can be POSTed to any collector's `/v1/logs`.
 */
export async function auditOtlpRequestJson(records: readonly AuditRecord[]): Promise<string> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: auditOtlpResource(), processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  const logger = provider.getLogger(AUDIT_OTLP_SCOPE);
  for (const r of records) logger.emit(auditLogRecord(r));
  await provider.forceFlush();
  const body = JsonLogsSerializer.serializeRequest(memory.getFinishedLogRecords());
  await provider.shutdown();
  return Buffer.from(body ?? new Uint8Array()).toString('utf8');
}
