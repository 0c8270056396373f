/** The longest part of the keychain's own message a warning quotes. */
const MAX_CAUSE_CHARS = 300;

/**
 * What the Settings save answers when config.json was saved but the keychain item's final write
 * failed (D223's second keychain write, `bindStoredPassword`): the item still holds the replaced
 * password beside the new one until a save or the next successful unlock settles it (D227).
 * One line that says what to do next; `error` is the keychain's message (never the password).
 * The CLI says the same in its own words (cli/unfinished-password-line.ts).
 */
export function unfinishedPasswordWarning(credential: string, endpointId: string, error: Error): string {
  const cause = (error.message.split('\n')[0] ?? '').slice(0, MAX_CAUSE_CHARS);
  return `Saved endpoint ${endpointId}, but the keychain refused the password's last write (${cause}); keychain item ${credential} still holds the replaced password beside the new one. Unlock or fix the keychain, then type the password again and save (the next successful unlock also finishes it).`;
}
