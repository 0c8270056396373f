/** The longest part of the keychain's own message a warning quotes. */
const MAX_CAUSE_CHARS = 300;

/** The first line of the keychain's message, cut to MAX_CAUSE_CHARS (it never holds the password). */
function causeOf(error: Error): string {
  return (error.message.split('\n')[0] ?? '').slice(0, MAX_CAUSE_CHARS);
}

/**
 * What the Settings save answers when config.json was saved but the keychain item's final write
 * failed (D223's second keychain write, `bindStoredPassword`): the item still holds the replaced
 * password beside the new one until a save or the next successful unlock settles it (D227).
 * One line that says what to do next; `error` is the keychain's message (never the password).
 * The CLI says the same in its own words (cli/unfinished-password-line.ts).
 */
export function unfinishedPasswordWarning(credential: string, endpointId: string, error: Error): string {
  return `Saved endpoint ${endpointId}, but the keychain refused the password's last write (${causeOf(error)}); keychain item ${credential} still holds the replaced password beside the new one. Unlock or fix the keychain, then type the password again and save (the next successful unlock also finishes it).`;
}

/**
 * What the Settings save answers when no password was typed (a domain's stored one, D180) and
 * binding the item to the saved endpoint (D198: a read, then a write when the endpoint is not
 * yet bound) failed after config.json was saved: the item is as it was, so the endpoint may not be
 * bound yet ("may": a failed read cannot tell); its next successful unlock binds it
 * (routePassword lets a domain's password go where D180 let the save point it), or a save once the
 * keychain works. The CLI's words: cli/unfinished-password-line.ts.
 */
export function unboundPasswordWarning(credential: string, endpointId: string, error: Error): string {
  return `Saved endpoint ${endpointId}, but the keychain failed while binding the stored password of ${credential} to it (${causeOf(error)}); the item is unchanged, so ${endpointId} may not be among the servers it is bound to yet. Unlock or fix the keychain, then save ${endpointId} again (its next successful unlock also binds it).`;
}
