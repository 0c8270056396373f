import crypto from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../base/contracts/config.js';
import type { Endpoint } from '../../base/contracts/endpoint.js';
import { endpointCredentialId, isHostInDomain } from '../../base/contracts/endpoint-url.js';
import type { Keychain } from './keychain.js';
import { readCaText, type CaText } from '../config/read-ca-file.js';

/**
 * Where a stored password may go (D198): the origin it was used at and the TLS trust
 * that proved that server (the pin, or the SHA-256 of the CA file's text), as its first
 * successful login found them.
 */
export const PasswordBinding = z.strictObject({
  /** `https://vc1.corp.example:443`'s form as `new URL().origin` writes it. */
  origin: z.string().min(1).max(300),
  /** The certificate pin, lower-case hex without colons. */
  pin: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** SHA-256 (hex) of the CA file's text. */
  ca: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type PasswordBinding = z.infer<typeof PasswordBinding>;

const Bindings = z.array(PasswordBinding).max(1000);

const Envelope = z.strictObject({
  kb: z.literal(1),
  password: z.string(),
  for: Bindings,
  /**
   * The item this one replaces, kept until config.json is saved (D223): a crash
   * between the two writes leaves the old password going where it went (`for` absent: it was
   * a legacy, unbound item), the new one where the new config points.
   */
  was: z.strictObject({ password: z.string(), for: Bindings.optional() }).optional(),
});

/** A keychain item as the broker reads it: the password, and where it may go (absent: a legacy, unbound item). */
export interface StoredPassword {
  readonly password: string;
  readonly bindings?: readonly PasswordBinding[];
  /** The item a typed password is replacing while its config.json write is under way. */
  readonly was?: StoredPassword;
}

const MAGIC = '{"kb":1,';

/** The item text for `password` bound to `bindings` (and, while config.json is written, the item it replaces). */
export function encodePassword(password: string, bindings: readonly PasswordBinding[], was?: StoredPassword): string {
  return JSON.stringify({ kb: 1, password, for: bindings, ...(was && { was: { password: was.password, ...(was.bindings && { for: was.bindings }) } }) });
}

/**
 * Read an item: an envelope, or a legacy bare password (anything that is not one). Security:
 * never throws with the item's text in a message; an item that starts like an envelope but is
 * not a valid one is read as a bare password (so it cannot lock its owner out), unbound.
 */
export function decodePassword(item: string): StoredPassword {
  if (!item.startsWith(MAGIC)) return { password: item };
  let parsed: unknown;
  try {
    parsed = JSON.parse(item);
    // Stryker disable next-line BlockStatement: an emptied catch leaves `parsed` undefined, which the envelope schema refuses, returning the same bare password (C5-mutation)
  } catch {
    return { password: item };
  }
  const envelope = Envelope.safeParse(parsed);
  if (!envelope.success) return { password: item };
  const { password, for: bindings, was } = envelope.data;
  return { password, bindings, ...(was && { was: { password: was.password, ...(was.for && { bindings: was.for }) } }) };
}

/**
 * The binding `endpoint` asks for now: its URL's origin, its pin and its CA file's hash, or
 * undefined when its CA file cannot be read (the login then fails on that anyway).
 * `caFile`: the CA file as the caller read it (the broker: the bytes its login then trusts);
 * read here when absent.
 */
export function bindingOf(endpoint: Endpoint, caFile?: CaText): PasswordBinding | undefined {
  const pin = endpoint.tls.fingerprintSha256?.replaceAll(':', '').toLowerCase();
  let ca: string | undefined;
  if (endpoint.tls.caFile) {
    const read = caFile ?? readCaText(endpoint.tls.caFile);
    if (!read.ok) return undefined;
    ca = crypto.createHash('sha256').update(read.text).digest('hex');
  }
  return { origin: new URL(endpoint.url).origin, ...(pin && { pin }), ...(ca && { ca }) };
}

/** True when `bindings` hold exactly `b` (origin, pin and CA all equal). */
export function isBound(bindings: readonly PasswordBinding[], b: PasswordBinding): boolean {
  return bindings.some((x) => x.origin === b.origin && x.pin === b.pin && x.ca === b.ca);
}

/** "https://vc1.corp.example" or "https://a, https://b and 2 more", for the refusal. */
export function describeBindings(bindings: readonly PasswordBinding[]): string {
  const origins = [...new Set(bindings.map((b) => b.origin))];
  const shown = origins.slice(0, 3).join(', ');
  return origins.length > 3 ? `${shown} and ${origins.length - 3} more` : shown;
}

/**
 * Whether a stored password may go to `endpoint` now, and which one (an item whose config
 * write is under way holds two, D223). `unbound`: the item has no recorded servers
 * yet (a legacy item from 0.1); it goes only after a prompt that said so (D222).
 */
export type PasswordRoute =
  | { readonly ok: true; readonly password: string; readonly bind?: PasswordBinding; readonly unbound?: true; readonly replaced?: true }
  | { readonly ok: false; readonly message: string };

/**
 * Where the stored password may go (D198): where it is bound; a legacy item anywhere, but
 * `unbound`: only after the person allowed its first binding (D222; `bind`: bind it
 * there after a successful login); a domain's password also to a host of its
 * domain proven by the system's CAs or by a pin and CA it is already bound with (what D180
 * lets it go to untyped; `bind` it there too). An item a crash left between a typed password's
 * two writes (`was`, D223): the new password where it is bound, else the old one
 * where it went before (`replaced`; its `bind` is for settleAfterLogin, which keeps the one
 * that worked, never for a write that keeps both). Otherwise the one line that says what to do.
 * `caFile`: as in bindingOf.
 */
export function routePassword(endpoint: Endpoint, stored: StoredPassword, caFile?: CaText): PasswordRoute {
  const now = routeOne(endpoint, stored, caFile);
  if (now.ok || stored.was === undefined) return now;
  const before = routeOne(endpoint, stored.was, caFile);
  return before.ok ? { ok: true, password: before.password, replaced: true, ...(before.bind && { bind: before.bind }), ...(before.unbound && { unbound: true }) } : now;
}

function routeOne(endpoint: Endpoint, stored: StoredPassword, caFile?: CaText): PasswordRoute {
  const binding = bindingOf(endpoint, caFile);
  const { password } = stored;
  if (stored.bindings === undefined) {
    // Security (A7-redteam): a legacy item goes, after its consent (D222), only to an endpoint that
    // holds its credential as KeyBroker makes them (D209): one config.json gave pm's credential
    // would otherwise get pm's password, and be bound, on one careless allow of its prompt.
    if (!holdsCredential(endpoint, endpoint.credential)) return { ok: false, message: borrowedMessage(endpoint) };
    return { ok: true, password, unbound: true, ...(binding && { bind: binding }) };
  }
  if (binding && isBound(stored.bindings, binding)) return { ok: true, password };
  const domain = endpoint.credential.startsWith('domain:') ? endpoint.credential.slice('domain:'.length).toLowerCase() : undefined;
  const host = new URL(endpoint.url).hostname;
  // D180: in the domain, with the system's trust or exactly a trust the password is bound to.
  const knownTrust = (b: PasswordBinding): boolean => (!b.pin && !b.ca) || stored.bindings!.some((x) => x.pin === b.pin && x.ca === b.ca);
  if (binding && domain && (host === domain || host.endsWith(`.${domain}`)) && knownTrust(binding)) return { ok: true, password, bind: binding };
  // Bad input gets the line that names its cause: the same server with another trust, or a CA
  // file that cannot be read, is not "points at another server".
  const again = `type it again in Settings or 'keybroker endpoint update ${endpoint.id} --password-stdin'`;
  if (!binding) return { ok: false, message: `the CA file of ${endpoint.id} (${endpoint.tls.caFile ?? ''}) cannot be read, so KeyBroker cannot tell whether it is the server the password was stored for; fix the file, or ${again}` };
  if (stored.bindings.some((b) => b.origin === binding.origin)) return { ok: false, message: `the certificate trust of ${endpoint.id} (its pin or CA file) changed since its password was stored; if you changed it, ${again}` };
  return { ok: false, message: `${endpoint.id} now points at ${binding.origin}; its password was stored for ${describeBindings(stored.bindings)}: ${again}` };
}

/** The refusal for an endpoint that names a credential KeyBroker keeps for another endpoint or domain. */
function borrowedMessage(endpoint: Endpoint): string {
  const { credential } = endpoint;
  const owner = credential.startsWith('domain:') ? `hosts in ${credential.slice('domain:'.length)}` : `${credential.slice(credential.indexOf(':') + 1)} alone`;
  return `${endpoint.id} names the password of ${credential}, which KeyBroker keeps for ${owner}; if ${endpoint.id} is yours, remove it and add it again with 'keybroker endpoint add' (it then gets a password of its own)`;
}

/**
 * True when `endpoint` holds `credential` as the endpoint builder makes it: its own
 * (`endpoint:<its id>`), or its domain's with its host in the domain.
 * Security (Z6-redteam): config.json can be written by any of the user's programs; an endpoint
 * added there that names another endpoint's credential, or a domain's from outside it, must
 * not be bound when the user types that password (it would then go there, D198's bypass).
 */
export function holdsCredential(endpoint: Endpoint, credential: string): boolean {
  if (endpoint.credential !== credential) return false;
  if (credential === endpointCredentialId(endpoint.id)) return true;
  return credential.startsWith('domain:') && isHostInDomain(new URL(endpoint.url).hostname, credential.slice('domain:'.length));
}

/** The bindings of the endpoints that hold `credential` (holdsCredential; those whose CA file reads). */
export function credentialBindings(config: Pick<Config, 'endpoints'>, credential: string): PasswordBinding[] {
  return config.endpoints.filter((e) => holdsCredential(e, credential)).map((e) => bindingOf(e)).filter((b): b is PasswordBinding => b !== undefined);
}

/** The item bound to every endpoint of `config` that holds `credential` (fixtures; a typed password is bound by typedBindings). */
export function boundItem(password: string, config: Pick<Config, 'endpoints'>, credential: string): string {
  return encodePassword(password, credentialBindings(config, credential));
}

/** What an item vouches for: its bindings and, while its config write is under way, those of the item it replaces (D223). */
function trustedBy(stored: StoredPassword | undefined): PasswordBinding[] {
  return [...(stored?.bindings ?? []), ...(stored?.was?.bindings ?? [])];
}

/**
 * Where a password typed now for endpoint `named` goes (D225): of the endpoints that
 * hold `credential`, `named` and those whose binding `trusted` (the item it replaces) holds.
 * Security (Z6-redteam): config.json can be written by any of the user's programs; an in-domain
 * endpoint planted there with its own pin holds the domain's credential, and binding the typed
 * password to every holder would bind it there too. `named` absent: only where it was bound.
 */
export function typedBindings(endpoints: readonly Endpoint[], credential: string, trusted: readonly PasswordBinding[], named?: string): PasswordBinding[] {
  return endpoints.filter((e) => holdsCredential(e, credential)).flatMap((e) => {
    const b = bindingOf(e);
    return b && (e.id === named || isBound(trusted, b)) ? [b] : [];
  });
}

/**
 * The first of a typed password's two writes (D223), before config.json is saved:
 * the item bound to `next` (the endpoints that hold `credential` once the config is saved,
 * those the replaced item was bound to or `named`, typedBindings), keeping the item it replaces
 * as `was`. A crash before the config write then leaves the old password going where it went
 * and the old config unchanged; one after it, the new password where the new config points:
 * never a bare item that binds at its next login. Returns the replaced item, for a rollback
 * when the config write fails (restore it with settledItem).
 */
export async function writeTypedPassword(keychain: Keychain, credential: string, password: string, next: readonly Endpoint[], named?: string): Promise<string | undefined> {
  const previous = await keychain.get(credential);
  const replaced = previous === undefined ? undefined : decodePassword(previous);
  // The replaced item's own `was` is dropped: its config write has finished or never will.
  const was = replaced && { password: replaced.password, ...(replaced.bindings && { bindings: replaced.bindings }) };
  await keychain.set(credential, encodePassword(password, typedBindings(next, credential, trustedBy(replaced), named), was));
  return previous;
}

/**
 * `item` with a pending change (`was`, D223) settled against `endpoints` (config.json as it
 * stands; D227): when an endpoint that holds `credential` reaches only the replaced
 * password, the config write never landed, so the replaced item alone; else the new one alone.
 * An item without `was` is returned as it is. Used to restore an item after a failed config
 * write, so a write that keeps failing cannot keep the old password beside the new one.
 */
export function settledItem(item: string, endpoints: readonly Endpoint[], credential: string): string {
  const stored = decodePassword(item);
  if (stored.was === undefined) return item;
  // Stryker disable next-line ArrayDeclaration: an item with `was` decoded from an envelope, whose `for` the schema requires, so the fallback is never read (C5-mutation)
  const typed: StoredPassword = { password: stored.password, bindings: stored.bindings ?? [] };
  const oldOnly = endpoints.some((e) => holdsCredential(e, credential) && !routeOne(e, typed).ok && routeOne(e, stored.was!).ok);
  return encodeStored(oldOnly ? stored.was : typed);
}

/**
 * After a login with `route` from a pending item (`was`, D223) worked: the item holding only
 * the password that just logged in, bound where it was bound and here (`route.bind`), so the
 * other one does not stay beside it (D227); a replaced legacy one is bound to
 * `firstBinding`, the servers the person allowed (D222), and here. Undefined when `stored` is
 * not pending.
 */
export function settleAfterLogin(stored: StoredPassword, route: { readonly replaced?: true; readonly bind?: PasswordBinding }, firstBinding?: readonly PasswordBinding[]): string | undefined {
  if (stored.was === undefined) return undefined;
  const kept = route.replaced === true ? stored.was : stored;
  const all = [...(kept.bindings ?? firstBinding ?? []), ...(route.bind ? [route.bind] : [])];
  const bindings = all.filter((b, i) => !isBound(all.slice(0, i), b));
  return encodeStored({ password: kept.password, ...((kept.bindings !== undefined || bindings.length > 0) && { bindings }) });
}

/** The item text of `stored` without its `was`: an envelope, or the bare password of a legacy item. */
function encodeStored(stored: StoredPassword): string {
  return stored.bindings === undefined ? stored.password : encodePassword(stored.password, stored.bindings);
}

/**
 * After a write path stored `credential` (typed: `password` given) or let endpoint
 * `endpointId` use it untyped (D180 allowed the trust): rewrite the item bound to the saved
 * config's endpoints that hold the credential and that the item (or the one it replaces)
 * was bound to, plus `endpointId` (typedBindings), or with `endpointId`'s binding added,
 * dropping the `was` of writeTypedPassword. Returns the error when the write failed (the
 * caller says what to do; the item writeTypedPassword wrote still routes both configs right,
 * and the next unlock or write path settles it); a legacy item stays unbound until a person
 * allows its first binding.
 */
export async function bindStoredPassword(keychain: Keychain, config: Pick<Config, 'endpoints'>, credential: string, password: string | undefined, endpointId?: string): Promise<Error | undefined> {
  try {
    if (password !== undefined) {
      const item = await keychain.get(credential);
      const trusted = trustedBy(item === undefined ? undefined : decodePassword(item));
      await keychain.set(credential, encodePassword(password, typedBindings(config.endpoints, credential, trusted, endpointId)));
      return undefined;
    }
    const item = await keychain.get(credential);
    if (item === undefined) return undefined;
    const stored = decodePassword(item);
    if (stored.bindings === undefined) return undefined; // legacy: bound when a person allows its first binding (D222)
    // Security (Z6-redteam): untyped, only the endpoint this save added or edited (D180 checked
    // its trust); another endpoint written into config.json by hand is not vouched for by it.
    const saved = endpointId === undefined ? config.endpoints : config.endpoints.filter((e) => e.id === endpointId);
    const add = credentialBindings({ endpoints: saved }, credential).filter((b) => !isBound(stored.bindings!, b));
    if (add.length > 0) await keychain.set(credential, encodePassword(stored.password, [...stored.bindings, ...add]));
    return undefined;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
