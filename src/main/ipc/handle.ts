import { ipcChannels, ipcEvents, type IpcChannel, type IpcEvent, type IpcEventPayload, type IpcParsedRequest, type IpcResponse } from '../../base/contracts/ipc-channels.js';
import type { IpcEnvelope } from '../../base/contracts/renderer-api.js';
import { firstIssue } from '../../base/contracts/format-issue.js';
import { ContractViolationError } from '../../base/errors/contract-violation-error.js';
import { isCoreError } from '../../base/errors/core-error.js';
import { DisposableBase, toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';
import { sanitizeText } from '../../base/sanitize-text.js';
import { isTrustedSenderUrl } from './trusted-sender.js';

/** The part of `ipcMain` the router needs; tests pass the fake from test/mocks/electron.ts. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, payload: unknown) => unknown): void;
  removeHandler(channel: string): void;
}

/** The part of an invoke event a handler may look at. */
export interface IpcSenderEvent {
  /** Null once the frame navigated away or was destroyed; `parent` is null for a window's own page. */
  readonly senderFrame: { readonly url: string; readonly parent?: unknown } | null;
}

/** Per-channel limits beyond "one of our pages". */
export interface HandleOptions {
  /** Only this page may call the channel, e.g. `popup.html` (path on our app:// origin). */
  readonly page?: string;
}

/** Why main refused an invoke before its handler ran; the audit code is `ipc_<kind>`. */
export type IpcRefusalKind = 'untrusted_sender' | 'subframe' | 'wrong_page' | 'invalid_payload';

/** One refused invoke, as IpcRouter reports it. `message` is what the page was answered: one line, bounded, no payload value. */
export interface IpcRefusal {
  readonly channel: IpcChannel;
  readonly kind: IpcRefusalKind;
  readonly message: string;
}

/** How an IpcRouter checks and reports. */
export interface IpcRouterOptions {
  /** Which sender URLs are ours (default isTrustedSenderUrl). */
  readonly isTrusted?: (url: string | undefined) => boolean;
  /** Every refused invoke, after it was answered (main audits them, D185). Must not throw. */
  readonly onRefused?: (refusal: IpcRefusal) => void;
}

/** A typed handler: gets the validated request, returns the response. */
export type IpcHandler<C extends IpcChannel> = (req: IpcParsedRequest<C>) => Promise<IpcResponse<C>> | IpcResponse<C>;

/** Something main → renderer events can be sent to. */
export interface IpcEventTarget {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

/**
 * The only place `ipcMain.handle` is called (STYLE.md §4). Each handler first checks the
 * sender frame's URL, then validates the payload with the channel's zod schema, then runs.
 * Failures answer `{ ok: false, error: { code, message } }`; never an Error object.
 */
export class IpcRouter extends DisposableBase {
  constructor(
    private readonly ipc: IpcMainLike,
    private readonly options: IpcRouterOptions = {},
  ) {
    super();
  }

  /** Register the handler of `channel`; disposing removes it. */
  handle<C extends IpcChannel>(channel: C, handler: IpcHandler<C>, options: HandleOptions = {}): Disposable {
    this.ipc.handle(channel, (event: IpcSenderEvent, payload: unknown) => this.dispatch(channel, handler, event, payload, options));
    return this.register(toDisposable(() => this.ipc.removeHandler(channel)));
  }

  /** Validate and answer one invoke; exported behaviour for tests via the fake ipcMain. */
  private async dispatch<C extends IpcChannel>(channel: C, handler: IpcHandler<C>, event: IpcSenderEvent, payload: unknown, options: HandleOptions): Promise<IpcEnvelope<IpcResponse<C>>> {
    const checked = inspectInvoke(channel, event, payload, this.options.isTrusted ?? isTrustedSenderUrl, options.page);
    if ('refusal' in checked) {
      this.options.onRefused?.(checked.refusal);
      return { ok: false, error: toWireError(new ContractViolationError(checked.refusal.message)) };
    }
    try {
      return { ok: true, value: await handler(checked.request) };
    } catch (e) {
      return { ok: false, error: toWireError(e) };
    }
  }
}

/**
 * Sender check (our pages; `page`, when given, the only one), then payload check for one
 * invoke (STYLE.md §3): the parsed request, or which check refused it and the one line the
 * page is answered. Never partial data.
 */
function inspectInvoke<C extends IpcChannel>(channel: C, event: IpcSenderEvent, payload: unknown, isTrusted: (url: string | undefined) => boolean, page: string | undefined): { request: IpcParsedRequest<C> } | { refusal: IpcRefusal } {
  const refuse = (kind: IpcRefusalKind, why: string) => ({ refusal: { channel, kind, message: `IPC ${channel} refused: ${why}` } });
  // Security: only frames showing our own app:// pages may call main; senderFrame is null once the frame navigated away.
  const url = event.senderFrame?.url;
  if (!isTrusted(url)) return refuse('untrusted_sender', `sender ${JSON.stringify(peerText(url ?? 'unknown', MAX_URL_CHARS))} is not a KeyBroker page`);
  // Security: a window's own page only, never a frame inside one (our pages have none; CSP forbids framing them).
  if (event.senderFrame?.parent != null) return refuse('subframe', 'sent from a frame inside a page, not from the page itself');
  // Security: a page-specific channel refuses every other page of ours, before reading the payload.
  if (page !== undefined && senderPath(event) !== `/${page}`) return refuse('wrong_page', `only ${page} may send it`);
  // Security: validate before acting; a bad payload is rejected whole.
  const parsed = ipcChannels[channel].req.safeParse(payload ?? {});
  if (!parsed.success) return refuse('invalid_payload', describeIssue(parsed.error));
  return { request: parsed.data as IpcParsedRequest<C> };
}

/** Send a validated main → renderer event; a destroyed target is skipped. */
export function sendEvent<E extends IpcEvent>(target: IpcEventTarget, event: E, payload: IpcEventPayload<E>): void {
  const parsed = ipcEvents[event].safeParse(payload);
  if (!parsed.success) throw new ContractViolationError(`event ${event} not sent: ${describeIssue(parsed.error)}`);
  if (!target.isDestroyed()) target.send(event, parsed.data);
}

/** `{ code, message }` for any thrown value; unknown errors get a generic code. */
export function toWireError(e: unknown): { code: string; message: string } {
  if (isCoreError(e)) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'MAIN_FAILED', message: message.split('\n')[0] ?? 'failed' };
}

function senderPath(event: IpcSenderEvent): string | undefined {
  try {
    return event.senderFrame ? new URL(event.senderFrame.url).pathname : undefined;
  } catch {
    return undefined;
  }
}

/** Longest sender URL, field path and issue text copied into a refusal: they come from the page. */
const MAX_URL_CHARS = 120;
const MAX_PATH_CHARS = 80;
const MAX_ISSUE_CHARS = 300;

/**
 * Security: a refusal is one line whatever the page sent. A field path holds keys the page
 * chose (a kind field named `a\nb`, 5,000 characters long) and some issues repeat a value
 * (an unknown kind): line breaks, bidi and invisible characters become one safe character,
 * and each part is cut, before the text goes back to the page, to stderr and to the audit.
 */
function peerText(text: string, maxChars: number): string {
  return sanitizeText(text, { maxChars });
}

function describeIssue(error: Parameters<typeof firstIssue>[0]): string {
  const { path, message } = firstIssue(error);
  const issue = peerText(message, MAX_ISSUE_CHARS);
  return `${path ? `${peerText(path, MAX_PATH_CHARS)}: ${issue}` : issue}; correct it and send it again`;
}
