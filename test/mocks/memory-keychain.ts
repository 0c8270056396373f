import type { Keychain } from '../../src/platform/keychain/keychain.js';

/** An in-memory Keychain for tests: inspectable, and able to fail on demand. */
export class MemoryKeychain implements Keychain {
  readonly items = new Map<string, string>();
  /** Every call, in order, as `op:account` (never the secret). */
  readonly calls: string[] = [];
  /** When set, the next call of that kind throws this error. */
  failNext: { op: 'get' | 'set' | 'delete'; error: Error } | undefined;
  /** Runs after a successful set: lets a test change the world between keychain and config writes. */
  afterSet: ((account: string) => void) | undefined;

  async get(account: string): Promise<string | undefined> {
    this.record('get', account);
    return this.items.get(account);
  }

  async set(account: string, secret: string): Promise<void> {
    this.record('set', account);
    this.items.set(account, secret);
    this.afterSet?.(account);
  }

  async delete(account: string): Promise<boolean> {
    this.record('delete', account);
    return this.items.delete(account);
  }

  private record(op: 'get' | 'set' | 'delete', account: string): void {
    this.calls.push(`${op}:${account}`);
    if (this.failNext?.op === op) {
      const { error } = this.failNext;
      this.failNext = undefined;
      throw error;
    }
  }
}
