// vsphere_reconfigure_vm's guards on the size vCenter reported (R6-xml): a plan names what
// changes from what, so a size vCenter did not give is no "0".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkReconfigure, reconfigurePlan, type VmSize } from '../../../../src/mcp/vsphere/plan/reconfigure-plan.js';
import type { VmState } from '../../../../src/mcp/vsphere/plan/vm-state.js';

const vm = { ref: { type: 'VirtualMachine', value: 'vm-42' }, name: 'web-01', powerState: 'poweredOn', snapshots: [], values: {}, facts: {} } as unknown as VmState;
const size = (numCpu: number, memoryMb: number): VmSize => ({ numCpu, memoryMb, cpuHotAdd: true, cpuHotRemove: false, memoryHotAdd: true, template: false, values: {} });

describe('checkReconfigure() on the size vCenter reported (D132)', () => {
  it('plans from the reported size', () => {
    assert.equal(reconfigurePlan(vm, size(2, 4096), { numCpus: 4, memoryMb: 8192 }).summary, 'Set VM web-01 CPUs 2 → 4, memory 4096 → 8192 MB (now poweredOn, hot-plugged while it runs)');
  });

  it('refuses to plan when vCenter did not say the CPUs or memory (unset, or not a number), instead of "0 → 4" or "NaN → 4"', () => {
    for (const [cpu, mem] of [[NaN, 4096], [2, NaN], [0, 4096], [NaN, NaN]] as const) {
      assert.throws(() => checkReconfigure(vm, size(cpu, mem), { numCpus: 4 }), /^VsphereToolError: vCenter did not say how many CPUs and how much memory VM web-01 has .*nothing was planned/, `${cpu}/${mem}`);
      // A shrink below a size read as 0 passed the hot-remove guard as a hot add.
      assert.throws(() => checkReconfigure(vm, size(cpu, mem), { numCpus: 1 }), /did not say/);
    }
  });
});
