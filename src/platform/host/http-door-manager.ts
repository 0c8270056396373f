import type { Config } from '../../base/contracts/config.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';
import type { GatewaySessions } from '../gateway/gateway-sessions.js';
import { readApiKey } from '../http/api-key.js';
import { HttpFrontDoor } from '../http/http-front-door.js';
import type { Keychain } from '../keychain/keychain.js';

/**
 * Keeps the HTTP front door in step with config.json: off by default; started, reconfigured,
 * moved to a new port or stopped on every reload. The API key is read from the keychain
 * at each apply and held only here (and in the audit redactor's view of live secrets).
 */
export class HttpDoorManager implements Disposable {
  private door: HttpFrontDoor | undefined;
  private apiKey: string | undefined;

  constructor(private readonly deps: { keychain: Keychain; sessions: GatewaySessions; audit: AuditSink; clock?: Clock }) {}

  /** The live API key, for the audit log's redactor. */
  secrets(): string[] {
    return this.apiKey ? [this.apiKey] : [];
  }

  /** The URL clients use, when the door is open. */
  get url(): string | undefined {
    return this.door?.url;
  }

  /** Bring the door in line with `config.http`. */
  async apply(config: Config): Promise<void> {
    const settings = config.http;
    if (!settings.enabled) {
      await this.stop();
      return;
    }
    const apiKey = await readApiKey(this.deps.keychain);
    if (this.door && this.door.port === settings.port) {
      this.apiKey = apiKey;
      // A rotated key also ends the sessions the old key opened.
      await this.door.reconfigure(settings);
      return;
    }
    await this.stop();
    this.apiKey = apiKey;
    this.door = await HttpFrontDoor.listen({ port: settings.port, settings, apiKey: () => this.apiKey, sessions: this.deps.sessions, audit: this.deps.audit, ...(this.deps.clock ? { clock: this.deps.clock } : {}) });
  }

  async stop(): Promise<void> {
    const door = this.door;
    this.door = undefined;
    this.apiKey = undefined;
    await door?.close();
  }

  dispose(): void {
    void this.stop();
  }
}
