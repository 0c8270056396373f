/**
 * The line `endpoint add/update --password-stdin` prints when config.json was saved but the
 * keychain item's final write failed (D223, D227): the item still holds the
 * replaced password beside the new one until the next successful unlock settles it, or the
 * command is run again. `error`: the keychain's message (never the password).
 */
export function unfinishedLine(credential: string, endpointId: string, error: Error): string {
  return `keybroker endpoint: warning: config.json is saved, but keychain item ${credential} still holds the replaced password beside the new one (${error.message}); fix the keychain and run 'keybroker endpoint update ${endpointId} --password-stdin' again (the next successful unlock also drops it)\n`;
}
