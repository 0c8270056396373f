import { z } from 'zod';

/**
 * `<home>/keychain.json`: the home's keychain namespace (issue 10 item 3). Created once with
 * a random id; every keychain item of this home lives under service `KeyBroker/<id>`. The
 * id travels with the folder, so a moved or restored home still finds its passwords.
 * Holds no secret.
 */
export const KeychainNamespaceFile = z.strictObject({
  version: z.literal(1),
  /** 16 lower-case hex digits (64 random bits). */
  id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lower-case hex digits'),
  /** True once the items of KeyBroker 0.1 (service `KeyBroker`) were moved into the namespace. */
  legacyMigrated: z.boolean().default(false),
});
export type KeychainNamespaceFile = z.infer<typeof KeychainNamespaceFile>;
