import { BugError } from '../../base/errors/core-error.js';

/**
 * The keys Consent and UnlockCache tell askers apart by: a server config.json added, a deny's
 * cool-down, a pending unlock prompt. Each is the JSON text of an array of fixed shape.
 *
 * Security (E3-tidy): they were strings joined with newlines, with `unbound` and `server …`
 * markers, read back by splitting at the last newline. A host name, server name or command is
 * not ours to choose (config.json, an endpoint's URL), and one holding a newline or a marker's
 * word made two different askers one key: a host named `unbound` made a prompt for an unbound
 * password the same prompt as one for a bound password with one host more. JSON.stringify of a
 * fixed-shape array of strings, booleans and null is one-to-one, so two askers that differ in
 * any part never share a key.
 */

/**
 * How an unlock remembers a server config.json added: its name, the command it runs as and
 * the SHA-256 of the code it runs (D2-modulebytes): an allow is for that code, not the command.
 */
export function configServerKey(server: string, command: string, codeSha256: string): string {
  return JSON.stringify([server, command, codeSha256]);
}

/** A key's JSON value, or undefined when it is not JSON (a key none of these functions made). */
function parsed(key: string): unknown {
  try {
    return JSON.parse(key);
  } catch {
    // Not JSON: the readers below refuse it as a key they did not make.
  }
  return undefined;
}

/** A {@link configServerKey} read back: its name, command and digest. */
function readConfigServerKey(key: string): readonly [string, string, string] {
  const parts = parsed(key);
  if (!Array.isArray(parts) || parts.length !== 3 || !parts.every((p) => typeof p === 'string')) {
    throw new BugError('a config.json server key that configServerKey did not make; report this bug');
  }
  return parts as [string, string, string];
}

/** A {@link configServerKey} without its digest: the server and its command, whatever code it runs. */
export function withoutCode(key: string): string {
  const [server, command] = readConfigServerKey(key);
  return JSON.stringify([server, command]);
}

/**
 * The cool-down of `credential` after a deny (D203): for the built-in servers when `server` is
 * undefined, else for the server config.json added whose {@link configServerKey} it is.
 * Security (D2-modulebytes): by that server's name and command, not its code: a deny holds for
 * whatever code it runs next, so rewriting the module and restarting it raises no new prompt.
 */
export function coolDownKey(credential: string, server?: string): string {
  return JSON.stringify(server === undefined ? [credential] : [credential, ...readConfigServerKey(server).slice(0, 2)]);
}

/** The credential a {@link coolDownKey} is for. */
export function coolDownCredential(key: string): string {
  const parts = parsed(key);
  if (!Array.isArray(parts) || typeof parts[0] !== 'string') throw new BugError('a cool-down key that coolDownKey did not make; report this bug');
  return parts[0];
}

/**
 * The key of a pending unlock prompt, which askers share only when every part is the same: the
 * credential, the hosts it names (in any order), whether it binds an unbound password (D222),
 * and the server config.json added it names ({@link configServerKey}; none for built-in servers).
 */
export function promptKey(credential: string, hosts: Iterable<string>, unbound: boolean, server: string | undefined): string {
  return JSON.stringify([credential, [...hosts].sort(), unbound, server ?? null]);
}
