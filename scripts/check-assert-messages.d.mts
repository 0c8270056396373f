/** One message-less assertion: where it is, its form (`assert` for the function itself, else the method name). */
export interface MessagelessAssert {
  line: number;
  column: number;
  form: string;
  /** How many arguments the call has. */
  args: number;
  start: number;
  end: number;
  lastArgEnd: number;
}
/** The forms the check refuses, form → the argument count that has no message (`assert`, `ok`: 1; `throws`, `rejects` without a validator: 1). */
export const GUARDED: ReadonlyMap<string, number>;
/** The message-less assertions in one file's text, read with the TypeScript parser (see check-assert-messages.mjs). */
export function findMessageless(text: string, fileName?: string): MessagelessAssert[];
/** Every TypeScript and JavaScript file under `dir`, but the lint fixtures. */
export function testFiles(dir: string): string[];
/** The guarded (or, with `all`, every) message-less assertion under `root`/test. */
export function check(root: string, options?: { all?: boolean }): (MessagelessAssert & { file: string })[];
