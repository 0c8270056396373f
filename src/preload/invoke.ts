import { ipcRenderer } from 'electron';
import { ipcChannels, ipcEvents, type IpcChannel, type IpcEvent, type IpcEventPayload, type IpcRequest, type IpcResponse } from '../base/contracts/ipc-channels.js';
import type { IpcEnvelope, Unsubscribe } from '../base/contracts/renderer-api.js';

/** An IPC failure as the page sees it: `code` and `message`, no stack from main. */
export class IpcCallError extends Error {
  override readonly name = 'IpcCallError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * Invoke `channel` and validate main's answer against its contract (STYLE.md §3): the
 * renderer never sees data that does not match the schema.
 */
export async function invoke<C extends IpcChannel>(channel: C, request: IpcRequest<C>): Promise<IpcResponse<C>> {
  const envelope = (await ipcRenderer.invoke(channel, request)) as IpcEnvelope<unknown> | undefined;
  if (!envelope || typeof envelope !== 'object') throw new IpcCallError('CORE_CONTRACT_VIOLATION', `${channel}: no answer from main`);
  if (!envelope.ok) throw new IpcCallError(String(envelope.error?.code), String(envelope.error?.message));
  const parsed = ipcChannels[channel].res.safeParse(envelope.value);
  if (!parsed.success) throw new IpcCallError('CORE_CONTRACT_VIOLATION', `${channel}: main answered outside the contract`);
  return parsed.data as IpcResponse<C>;
}

/** Subscribe to a main → renderer event; invalid payloads are dropped, never delivered. */
export function subscribe<E extends IpcEvent>(event: E, listener: (payload: IpcEventPayload<E>) => void): Unsubscribe {
  const wrapped = (_e: unknown, payload: unknown) => {
    const parsed = ipcEvents[event].safeParse(payload);
    if (parsed.success) listener(parsed.data as IpcEventPayload<E>);
  };
  ipcRenderer.on(event, wrapped);
  return () => void ipcRenderer.removeListener(event, wrapped);
}
