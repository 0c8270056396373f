/**
 * Errors the CLI reports itself. Every message is one line that says what to do next
 * (DESIGN.md "CLI"); the exit code tells scripts what kind of failure it was.
 */
export class CliError extends Error {
  override readonly name = 'CliError' as const;
  constructor(
    message: string,
    /** 1 = failure, 2 = usage. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** The command line itself is wrong: exit 2. */
export const usageError = (message: string): CliError => new CliError(message, 2);
