import type { HostToChildBroker } from '../../base/contracts/token-protocol.js';
import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { ChildProcessHandle } from './child-process-handle.js';

/**
 * One channel of a child's frames (`{ch:'broker'}` or `{ch:'mcp'}`), both ways. Frames are
 * passed on whole, `ch` included; the receiver checks the rest (STYLE.md §3).
 */
export interface ChildPort<Out> {
  send(frame: Out): void;
  /** Frames the child sent on this channel. A channel nobody listens on refuses them. */
  onFrame(listener: (frame: unknown) => void): Disposable;
}

/**
 * The host's end of one child lifetime's message channel (DESIGN.md "Token protocol"),
 * mirroring the child's end (mcp/runtime/host-channel.ts): the `{ch}` of every frame is read
 * here and only here, and each channel is a port of its own. Anything else is dropped and
 * audited as `frame.invalid` (the host's invalid-frame budget counts it).
 */
export interface ChildPorts extends Disposable {
  /** Unique per connection, e.g. `vsphere#2` after one restart. */
  readonly id: string;
  /** The server name (the spec's), for approvals and the audit trail. */
  readonly server: string;
  readonly pid: number | undefined;
  /** Token requests in, grants and revocations out: the broker's port. */
  readonly broker: ChildPort<HostToChildBroker>;
  /** MCP JSON-RPC, as `{ch:'mcp', msg}`: the gateway's port. */
  readonly mcp: ChildPort<{ ch: 'mcp'; msg: unknown }>;
}

type Channel = 'broker' | 'mcp';

let connections = 0;

/** Open the ports of `handle`'s channel; disposing (or the child's exit) closes them. */
export function openChildPorts(handle: ChildProcessHandle, audit: AuditSink): ChildPorts {
  const listeners: Record<Channel, Set<(frame: unknown) => void>> = { broker: new Set(), mcp: new Set() };
  const port = <Out>(ch: Channel): ChildPort<Out> => ({
    send: (frame) => handle.send(frame),
    onFrame(listener) {
      const own = (frame: unknown) => listener(frame); // Its own identity: one listener added twice is two.
      listeners[ch].add(own);
      return toDisposable(() => listeners[ch].delete(own));
    },
  });
  const onMessage = handle.onDidMessage((m) => {
    const ch = (m as { ch?: unknown } | null)?.ch;
    const receivers = ch === 'broker' || ch === 'mcp' ? listeners[ch] : undefined;
    if (receivers && receivers.size > 0) for (const l of [...receivers]) l(m);
    else audit.append({ event: 'frame.invalid', server: handle.spec.name, pid: handle.pid, code: 'invalid', reason: 'frame without a known channel' });
  });
  const close = () => {
    onMessage.dispose();
    listeners.broker.clear();
    listeners.mcp.clear();
  };
  const onExit = handle.onDidExit(close);
  return {
    id: `${handle.spec.name}#${++connections}`,
    server: handle.spec.name,
    get pid() {
      return handle.pid;
    },
    broker: port<HostToChildBroker>('broker'),
    mcp: port<{ ch: 'mcp'; msg: unknown }>('mcp'),
    dispose() {
      onExit.dispose();
      close();
    },
  };
}
