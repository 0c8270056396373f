import type { ApprovalDecision, ApprovalRequest } from '../../src/base/contracts/approval.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import type { ControlHandler, ControlResult } from '../../src/base/contracts/control-protocol.js';
import type { PolicyTestResult } from '../../src/base/contracts/policy.js';
import { CoreError } from '../../src/base/errors/core-error.js';

/** The error a fake host answers for an approval id it does not know. */
export class UnknownApprovalError extends CoreError {
  override readonly name = 'UnknownApprovalError' as const;
  readonly code = 'CORE_APPROVAL_UNKNOWN' as const;
  constructor(id: string) {
    super(`no pending approval ${id}; it may have expired: run 'keybroker approvals'`);
  }
}

/** The error a fake host answers for a server it does not run. */
export class UnknownServerError extends CoreError {
  override readonly name = 'UnknownServerError' as const;
  readonly code = 'CORE_SERVER_NOT_FOUND' as const;
  constructor(server: string) {
    super(`no server named "${server}"; run 'keybroker status' to see the servers`);
  }
}

/** A scripted ControlHandler that records every call. */
export class FakeControlHandler implements ControlHandler {
  readonly calls: Array<{ op: string; args: unknown[] }> = [];
  approvals: ApprovalRequest[] = [];
  unlocked: string[] = [];
  statusValue: HostStatus = {
    host: { running: true, pid: 4242, home: '/tmp/kb', startedAt: Date.UTC(2030, 0, 1, 12, 0) },
    endpoints: [],
    children: [{ name: 'vsphere', kind: 'vsphere', pid: 5151, state: 'running', restarts: 1 }],
    pendingApprovals: 0,
  };
  policyTestValue: PolicyTestResult = { decision: 'ask', reason: 'every change asks (no rule allows it)', unevaluated: [], limits: [], definitionChanged: false };
  /** When set, every op throws this. */
  failWith: unknown;

  async status(): Promise<ControlResult<'status'>> {
    return this.record('status', [], () => this.statusValue);
  }

  async listApprovals(): Promise<ControlResult<'approvals.list'>> {
    return this.record('approvals.list', [], () => this.approvals);
  }

  async decideApproval(id: string, decision: ApprovalDecision): Promise<ControlResult<'approvals.decide'>> {
    return this.record('approvals.decide', [id, decision], () => {
      const i = this.approvals.findIndex((a) => a.id === id);
      if (i < 0) throw new UnknownApprovalError(id);
      this.approvals.splice(i, 1);
      return { decided: id };
    });
  }

  async lock(target: string | undefined): Promise<ControlResult<'lock'>> {
    return this.record('lock', [target], () => {
      const locked = target === undefined ? this.unlocked : this.unlocked.filter((u) => u === target);
      this.unlocked = this.unlocked.filter((u) => !locked.includes(u));
      return { locked };
    });
  }

  async reloadConfig(changedCredentials: readonly string[]): Promise<ControlResult<'config.reload'>> {
    return this.record('config.reload', [[...changedCredentials]], () => ({ endpoints: 0 }));
  }

  async restartServer(server: string): Promise<ControlResult<'server.restart'>> {
    return this.record('server.restart', [server], () => {
      const child = this.statusValue.children.find((c) => c.name === server);
      if (!child) throw new UnknownServerError(server);
      return { ...child, state: 'starting' as const, restarts: child.restarts + 1 };
    });
  }

  async testPolicy(server: string, tool: string, args: Record<string, unknown> | undefined): Promise<ControlResult<'policy.test'>> {
    return this.record('policy.test', [server, tool, args], () => this.policyTestValue);
  }

  private record<T>(op: string, args: unknown[], body: () => T): T {
    this.calls.push({ op, args });
    if (this.failWith !== undefined) throw this.failWith;
    return body();
  }
}
