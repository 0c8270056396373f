import { CoreError } from '../../base/errors/core-error.js';

/**
 * A bundle does not carry the build id its entry was built with (a partial copy or update of
 * dist/): not run, since the entry's bytes (what the tool manifest is keyed by) no longer name
 * the code that would run.
 */
export class BundleMismatchError extends CoreError {
  override readonly name = 'BundleMismatchError' as const;
  readonly code = 'CORE_BUNDLE_MISMATCH' as const;
  constructor(bundle: string, found: string | undefined, expected: string) {
    super(`${bundle} is not the build its entry was made with (build ${found ?? 'none'}, expected ${expected}); run the build again`);
  }
}
