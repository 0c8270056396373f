import type { EndpointKind } from '../../base/contracts/names.js';
import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { Broker } from '../broker/broker.js';
import type { ChildLink } from '../broker/child-link.js';
import type { ChildProcessHandle } from '../supervisor/child-process-handle.js';

/** Receives a child's `{ch:'mcp'}` frames (the gateway, from the MCP host issue on). */
export type McpFrameSink = (message: unknown) => void;

let connections = 0;

/**
 * Wire one child's message channel to the broker: `broker` frames go to the token service,
 * `mcp` frames to the gateway, anything else is dropped and audited (DESIGN.md "Token protocol").
 */
export function connectChild(handle: ChildProcessHandle, kind: EndpointKind, broker: Broker, audit: AuditSink, mcp?: McpFrameSink): Disposable {
  const link: ChildLink = {
    id: `${handle.spec.name}#${++connections}`,
    kind,
    server: handle.spec.name,
    get pid() {
      return handle.pid;
    },
    send: (frame) => handle.send(frame),
  };
  const attached = broker.attachChild(link);
  const onMessage = handle.onDidMessage((m) => {
    const ch = (m as { ch?: unknown } | null)?.ch;
    if (ch === 'broker') attached.accept(m);
    else if (ch === 'mcp' && mcp) mcp(m);
    else audit.append({ event: 'frame.invalid', server: link.server, pid: handle.pid, code: 'invalid', reason: 'frame without a known channel' });
  });
  const onExit = handle.onDidExit(() => attached.dispose());
  return toDisposable(() => {
    onMessage.dispose();
    onExit.dispose();
    attached.dispose();
  });
}
