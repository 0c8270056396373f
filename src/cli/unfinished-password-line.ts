/**
 * The line `endpoint add/update --password-stdin` prints when config.json was saved but the
 * keychain item's final write failed (D223, D227): the item still holds the
 * replaced password beside the new one until the next successful unlock settles it, or the
 * command is run again. `error`: the keychain's message (never the password).
 */
export function unfinishedLine(credential: string, endpointId: string, error: Error): string {
  return `keybroker endpoint: warning: config.json is saved, but keychain item ${credential} still holds the replaced password beside the new one (${error.message}); fix the keychain and run 'keybroker endpoint update ${endpointId} --password-stdin' again (the next successful unlock also drops it)\n`;
}

/**
 * The line `endpoint add/update` prints without --password-stdin (a domain's stored password,
 * D180) when config.json was saved but binding the item to the endpoint (D198: a read, then the
 * command's only keychain write when the endpoint is not yet bound) failed: the item is as it
 * was, so the endpoint may not be bound yet ("may": a failed read cannot tell). Its next
 * successful unlock binds it (routePassword lets a domain's password go where D180 let the
 * command point it); typing the password binds it at once.
 */
export function unboundLine(credential: string, endpointId: string, error: Error): string {
  return `keybroker endpoint: warning: config.json is saved, but the keychain failed while binding keychain item ${credential} to ${endpointId} (${error.message}); the item is unchanged, so ${endpointId} may not be among its servers yet: fix the keychain, and ${endpointId}'s next successful unlock binds it (or run 'keybroker endpoint update ${endpointId} --password-stdin' to type the password)\n`;
}
