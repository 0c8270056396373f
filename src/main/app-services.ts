import type { EndpointKind } from '../base/kinds/registry.js';
import { kindForms } from '../base/kinds/kind-forms.js';
import type { ClaudeInstallResult, CliToolResult, EndpointForm, HttpDoorSettings, PowerSettings } from '../base/contracts/ipc-channels.js';
import type { AuditRecord } from '../base/contracts/audit-event.js';
import { isKnownDomainTrust, unknownDomainTrustMessage } from '../base/domain-trust.js';
import { filterAudit, type AuditFilterInput } from '../base/audit-filter.js';
import { readAudit } from '../platform/audit/read-audit.js';
import type { UpstreamLogin } from '../platform/broker/upstream-login.js';
import { ConfigStore } from '../platform/config/config-store.js';
import type { Host } from '../platform/host/host.js';
import { generateApiKey, readApiKey, storeApiKey } from '../platform/http/api-key.js';
import { checkHttpPort, normalizeCorsOrigin } from '../platform/http/http-settings.js';
import type { Keychain } from '../platform/keychain/keychain.js';
import { bindStoredPassword, settledItem, writeTypedPassword } from '../platform/keychain/password-envelope.js';
import type { Endpoint } from '../base/contracts/endpoint.js';
import type { Config } from '../base/contracts/config.js';
import { applyEndpointForm, endpointFromForm, endpointSummaries, removeEndpoint } from './endpoint-config.js';
import { SettingsInputError } from './settings-input-error.js';
import { unboundPasswordWarning, unfinishedPasswordWarning } from './unfinished-password-warning.js';

/**
 * True when `after` trusts another certificate than `before`, or sends the password to another
 * server (an endpoint's own password, typed for that one server and certificate).
 */
function movesPassword(before: Endpoint, after: Endpoint): boolean {
  const origin = (url: string | undefined) => (url === undefined ? undefined : new URL(url).origin);
  if (before.tls.fingerprintSha256 !== after.tls.fingerprintSha256 || before.tls.caFile !== after.tls.caFile) return true;
  return origin(before.url) !== origin(after.url);
}

/** What the settings window's operations need. */
export interface AppServicesDeps {
  readonly home: string;
  readonly host: Pick<Host, 'reloadConfig'>;
  readonly keychain: Keychain;
  readonly logins: Readonly<Record<EndpointKind, UpstreamLogin>>;
  /** Runs `keybroker claude install` (a utility process in the app) and returns what it printed. */
  readonly installInClaude: () => Promise<ClaudeInstallResult>;
  /** Installs the `keybroker` launcher (installCliTool with this app's paths). */
  readonly installCliTool?: () => CliToolResult;
}

/**
 * The settings window's operations over config.json, the keychain and the host. The
 * password goes from the form straight to the keychain and is never kept (issue 7).
 */
export class AppServices {
  private readonly store: ConfigStore;

  constructor(private readonly deps: AppServicesDeps) {
    this.store = new ConfigStore(deps.home);
  }

  /** The registered kinds for the endpoint form (base/kinds/registry.ts). */
  listKinds() {
    return kindForms();
  }

  listEndpoints() {
    return endpointSummaries(this.store.load());
  }

  /**
   * Add or edit an endpoint from the form; a typed password goes to the keychain. `warning`: the
   * save landed but the keychain item's last write failed (a typed password's, or the binding of a
   * domain's stored one), in one line that says what state the item is in and what to do.
   */
  async saveEndpoint(form: EndpointForm, mode: 'add' | 'edit'): Promise<{ id: string; warning?: string }> {
    const endpoint = endpointFromForm(form);
    const credential = endpoint.credential;
    const config = this.store.load();
    const domain = config.credentials.find((c) => c.id === credential)?.domain;
    // A domain credential that exists already may be shared without typing its password again.
    if (mode === 'add' && !form.password && domain === undefined) {
      throw new SettingsInputError('enter the password for a new endpoint');
    }
    // Security: the stored password goes wherever the endpoint points at the next login, without
    // a prompt while it is unlocked. An edit that moves it to another server, or changes which
    // certificate that server must show, needs the password typed again, so a settings page
    // running someone else's script cannot send it elsewhere (R9-attack, D172).
    // A domain password was typed for every host of its domain, so there only the trust counts:
    // see the check under the config lock below.
    const existing = mode === 'edit' ? config.endpoints.find((e) => e.id.toLowerCase() === form.id.toLowerCase()) : undefined;
    if (existing && !form.password && domain === undefined && movesPassword(existing, endpoint)) {
      throw new SettingsInputError(`enter the password again to change where ${existing.id} logs in (its server or certificate); the stored password is sent only where it was typed for`);
    }
    // D223: the item is written bound to where the saved config will point (the
    // replaced one kept beside it until the config is saved), never bare.
    const next = [...config.endpoints.filter((e) => e.id.toLowerCase() !== form.id.toLowerCase()), endpoint];
    const previous = form.password ? await writeTypedPassword(this.deps.keychain, credential, form.password, next, endpoint.id) : undefined;
    let saved: Config;
    try {
      saved = this.store.update((config) => {
        // Security: a domain password without typing it only with a trust it was typed for: the
        // system's store or another endpoint's pin or CA file, never one the page brings along
        // (D180). Checked on the file as it is under the lock, so an endpoint removed
        // meanwhile does not vouch for its pin.
        if (!form.password && domain !== undefined && !isKnownDomainTrust(config, credential, endpoint.tls)) {
          throw new SettingsInputError(unknownDomainTrustMessage(endpoint.id, domain, endpoint.tls, 'in the Password field'));
        }
        return applyEndpointForm(config, form, mode);
      });
    } catch (e) {
      // Roll the keychain back so a refused form leaves nothing behind.
      // Settled against the config that stays (D227): never pending again.
      if (form.password) await (previous === undefined ? this.deps.keychain.delete(credential) : this.deps.keychain.set(credential, settledItem(previous, config.endpoints, credential))).catch(() => undefined);
      throw e;
    }
    // D198: a typed password is bound to every endpoint that uses it now; an untyped
    // domain endpoint D180 allowed adds its binding.
    const failed = form.password || domain !== undefined ? await bindStoredPassword(this.deps.keychain, saved, credential, form.password || undefined, endpoint.id) : undefined;
    await this.deps.host.reloadConfig(form.password ? [credential] : []);
    // The person is told when the keychain's last write failed, as the CLI tells it
    // (unfinished-password-line.ts): config.json is saved, and the item is either not yet
    // settled (a typed password, C2-tidy) or unchanged, not yet bound here (a domain's, D4-tidy).
    if (!failed) return { id: form.id };
    const warn = form.password ? unfinishedPasswordWarning : unboundPasswordWarning;
    return { id: form.id, warning: warn(credential, endpoint.id, failed) };
  }

  async removeEndpoint(id: string): Promise<{ id: string }> {
    let dropped: string | undefined;
    this.store.update((config) => {
      const r = removeEndpoint(config, id);
      dropped = r.credential;
      return r.config;
    });
    if (dropped) await this.deps.keychain.delete(dropped).catch(() => undefined);
    await this.deps.host.reloadConfig(dropped ? [dropped] : []);
    return { id };
  }

  /** Log in with the typed password and straight out again; nothing is stored. */
  async testEndpoint(form: EndpointForm & { password: string }): Promise<{ ok: boolean; message: string }> {
    const endpoint = endpointFromForm(form);
    const login = this.deps.logins[endpoint.kind];
    try {
      const session = await login.login(endpoint, form.password);
      await login.logout(endpoint, session).catch(() => undefined);
      return { ok: true, message: `logged in to ${endpoint.url} as ${endpoint.username}` };
    } catch (e) {
      return { ok: false, message: (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 500) };
    }
  }

  queryAudit(filter: AuditFilterInput & { limit: number }): AuditRecord[] {
    return filterAudit(readAudit(this.deps.home, { fromRotated: true }).records, filter);
  }

  httpSettings(): HttpDoorSettings {
    const { enabled, port, corsOrigins } = this.store.load().http;
    return { enabled, port, corsOrigins };
  }

  async setHttpSettings(settings: HttpDoorSettings): Promise<HttpDoorSettings> {
    if (settings.port !== 0) {
      const bad = checkHttpPort(settings.port);
      if (bad) throw new SettingsInputError(bad);
    }
    const corsOrigins = settings.corsOrigins.map((o) => {
      const r = normalizeCorsOrigin(o);
      if (!r.ok) throw new SettingsInputError(`CORS origin ${o}: ${r.reason}`);
      return r.origin;
    });
    if (settings.enabled && !(await readApiKey(this.deps.keychain))) await storeApiKey(this.deps.keychain, generateApiKey());
    this.store.update((c) => ({ ...c, http: { ...c.http, enabled: settings.enabled, port: settings.port, corsOrigins } }));
    await this.deps.host.reloadConfig([]);
    return this.httpSettings();
  }

  async revealApiKey(): Promise<{ apiKey?: string }> {
    const apiKey = await readApiKey(this.deps.keychain);
    return apiKey ? { apiKey } : {};
  }

  async regenerateApiKey(): Promise<{ apiKey: string }> {
    const apiKey = generateApiKey();
    await storeApiKey(this.deps.keychain, apiKey);
    await this.deps.host.reloadConfig([]);
    return { apiKey };
  }

  powerSettings(): PowerSettings {
    return { lockOnScreenLock: this.store.load().unlock.lockOnScreenLock };
  }

  /** Read at each power event (see lockOnPowerEvents), so no reload is needed. */
  setPowerSettings(settings: PowerSettings): PowerSettings {
    this.store.update((c) => ({ ...c, unlock: { ...c.unlock, lockOnScreenLock: settings.lockOnScreenLock } }));
    return this.powerSettings();
  }

  installInClaude(): Promise<ClaudeInstallResult> {
    return this.deps.installInClaude();
  }

  async installCliTool(): Promise<CliToolResult> {
    if (!this.deps.installCliTool) throw new SettingsInputError('the command-line tool cannot be installed from this build');
    return this.deps.installCliTool();
  }
}
