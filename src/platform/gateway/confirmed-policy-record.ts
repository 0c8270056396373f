import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Config } from '../../base/contracts/config.js';
import { ConfirmedPolicyFile } from '../../base/contracts/confirmed-policy.js';
import { policyView } from '../../base/policy/policy-loosenings.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { Keychain } from '../keychain/keychain.js';

/** The keychain account (in the home's namespace) that holds the SHA-256 of the confirmed policy's file. */
export const CONFIRMED_POLICY_ACCOUNT = 'policy:confirmed';

/** What the home remembers of the policy a person last confirmed, read at start. */
export type RememberedPolicy =
  /** No keychain record: a first start (or the record was deleted). Nothing to compare with. */
  | { readonly kind: 'none' }
  | { readonly kind: 'remembered'; readonly view: ConfirmedPolicyFile }
  /** A keychain record whose file is missing, changed or invalid, or a keychain that could not be read. */
  | { readonly kind: 'unreadable'; readonly why: string };

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const why = (e: unknown) => ((e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e))).slice(0, 200);

/**
 * `start` with the remembered policy in place of its own: the confirmed config a restart
 * compares config.json with. An endpoint the record lacks is left out (it counts as read-only,
 * as an endpoint added while the host runs does). With nothing readable remembered, the
 * policy is the strictest the schema has (no allow, no rule): every loosening in config.json
 * waits for a person.
 */
export function rememberedConfig(start: Config, remembered: Exclude<RememberedPolicy, { kind: 'none' }>): Config {
  const view: ConfirmedPolicyFile = remembered.kind === 'remembered' ? remembered.view
    : { version: 1, policy: ConfirmedPolicyFile.shape.policy.parse({}), readOnly: [] };
  const flags = new Map(view.readOnly);
  return {
    ...start,
    policy: view.policy,
    endpoints: start.endpoints.filter((e) => flags.has(e.id)).map((e) => ({ ...e, readOnly: flags.get(e.id)! })),
  };
}

/**
 * Security (D281): the policy a person last confirmed, kept across restarts so
 * that config.json written while KeyBroker was not running is compared with it at the next
 * start. The policy is in `<home>/policy-confirmed.json` (a policy can be far larger than a
 * Windows credential holds); the keychain item holds its SHA-256, so a writer of the home alone
 * cannot forge it. A writer that can also rewrite the keychain item can (any process of the user
 * on Linux's Secret Service and Windows; on macOS another program meets a keychain prompt).
 */
export class ConfirmedPolicyRecord {
  /** SHA-256 of the file text last written or read: a save of the same policy writes nothing. */
  private last: string | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly keychain: Pick<Keychain, 'get' | 'set'>,
    private readonly file: string,
    /** A save that failed: said once per failure; the next start compares config.json with the record before it. */
    private readonly onError: (line: string) => void,
  ) {}

  /** What the home remembers; never throws (anything unreadable is `unreadable`, which asks). */
  async load(): Promise<RememberedPolicy> {
    let digest: string | undefined;
    try {
      digest = await this.keychain.get(CONFIRMED_POLICY_ACCOUNT);
    } catch (e) {
      return { kind: 'unreadable', why: `the keychain could not be read (${why(e)})` };
    }
    if (digest === undefined) return { kind: 'none' };
    let text: string;
    try {
      // Stryker disable next-line StringLiteral: without the encoding the Buffer hashes and parses the same.
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      return { kind: 'unreadable', why: `${this.file} could not be read (${why(e)})` };
    }
    // Security: the file counts only as the one whose digest KeyBroker put in the keychain.
    if (sha256(text) !== digest) return { kind: 'unreadable', why: `${this.file} is not the one KeyBroker recorded (its digest in the keychain differs)` };
    let parsed: ReturnType<typeof ConfirmedPolicyFile.safeParse>;
    try {
      parsed = ConfirmedPolicyFile.safeParse(JSON.parse(text));
    } catch {
      return { kind: 'unreadable', why: `${this.file} is not JSON` };
    }
    if (!parsed.success) return { kind: 'unreadable', why: `${this.file} does not hold a policy this KeyBroker reads` };
    this.last = digest;
    return { kind: 'remembered', view: parsed.data };
  }

  /**
   * Remember `config`'s policy as the confirmed one: the file first, then its digest in the
   * keychain, one save after another. A crash between them leaves a digest that does not match:
   * the next start asks about every loosening (fails closed).
   */
  save(config: Config): void {
    const text = `${JSON.stringify({ version: 1, ...(policyView(config) as object) } satisfies Partial<ConfirmedPolicyFile>, null, 2)}\n`;
    const digest = sha256(text);
    if (digest === this.last) return;
    this.last = digest;
    this.writing = this.writing.then(async () => {
      writeFileAtomic(this.file, text);
      await this.keychain.set(CONFIRMED_POLICY_ACCOUNT, digest);
    }).catch((e: unknown) => {
      if (this.last === digest) this.last = undefined; // the next save of it writes again
      this.onError(`the confirmed policy could not be recorded (${why(e)}); the next start compares config.json with the one recorded before`);
    });
  }

  /** Settles once every save asked for so far is written or failed (tests, a stopping host). */
  async saved(): Promise<void> {
    await this.writing;
  }
}
