import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One attribute of an OTLP/JSON log record. */
export interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values: Array<{ stringValue?: string }> } };
}

/** An OTLP/JSON log record as it arrives (the fields the tests read). */
export interface OtlpLogRecord {
  timeUnixNano?: string | number;
  severityText?: string;
  body?: { stringValue?: string };
  eventName?: string;
  attributes?: OtlpAttribute[];
}

/**
 * A local OTLP/HTTP logs receiver: a plain node http server on 127.0.0.1 that accepts
 * `POST /v1/logs` with a JSON `ExportLogsServiceRequest`, keeps each raw body and the log
 * records in it, and answers 200 `{}` (or `status` while `failWith` is set).
 */
export class OtlpReceiver {
  readonly bodies: string[] = [];
  readonly records: OtlpLogRecord[] = [];
  readonly paths: string[] = [];
  readonly contentTypes: string[] = [];
  /** While set, every request is answered with this status and nothing is kept. */
  failWith: number | undefined;
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = http.createServer();
    const self = new OtlpReceiver(server);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => self.accept(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private accept(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    if (this.failWith !== undefined) {
      res.writeHead(this.failWith).end();
      return;
    }
    this.paths.push(req.url ?? '');
    this.contentTypes.push(String(req.headers['content-type']));
    this.bodies.push(body);
    const parsed = JSON.parse(body) as { resourceLogs?: Array<{ scopeLogs?: Array<{ logRecords?: OtlpLogRecord[] }> }> };
    for (const rl of parsed.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) for (const r of sl.logRecords ?? []) this.records.push(r);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The string value of attribute `key` of `record`. */
export function otlpAttribute(record: OtlpLogRecord, key: string): string | undefined {
  return record.attributes?.find((a) => a.key === key)?.value.stringValue;
}
