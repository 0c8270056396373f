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
  let head = AUDIT_MAX_STRING - TAIL_CHARS - 1;
  let tail = command.length - TAIL_CHARS;
  // A high surrogate ending the head, or a low one starting the tail, would be half a pair.
  if (isHigh(command.charCodeAt(head - 1))) head -= 1;
  if (isLow(command.charCodeAt(tail))) tail += 1;
  return `${command.slice(0, head)}…${command.slice(tail)}`;
}

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;
