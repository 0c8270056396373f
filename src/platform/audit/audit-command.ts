import { cutAfter, cutBefore } from '../../base/surrogate-safe-cut.js';
import { AUDIT_MAX_STRING } from './redact-record.js';

/** How much of a cut command's end is kept: the module's path, which says what runs. */
const TAIL_CHARS = 340;

/**
 * A config.json server's command as its unlock records carry it (D7-redteam): whole when it
 * fits the audit's AUDIT_MAX_STRING, else its start and its end around `…`, never splitting a
 * surrogate pair. Security: the command is `node [execArgv…] MODULE`, and the audit's cut keeps
 * a string's start: eight padded node options (what config.json allows) pushed the module, the
 * part that says what got the session, out of every record of its prompt.
 */
export function auditCommand(command: string): string {
  if (command.length <= AUDIT_MAX_STRING) return command;
  const head = cutBefore(command, AUDIT_MAX_STRING - TAIL_CHARS - 1);
  const tail = cutAfter(command, command.length - TAIL_CHARS);
  return `${command.slice(0, head)}…${command.slice(tail)}`;
}
