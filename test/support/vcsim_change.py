#!/usr/bin/python3
"""Changes vcsim's inventory through an independent client (Debian's python3-pyvmomi).

Tests of the kept inventory (issue 17) change vCenter between two listings with a client
that shares no code with KeyBroker, then check that the next listing shows exactly that.
One operation per run, from argv:

  create NAME            a VM (powered off) on the first host, in the datacenter's VM folder
  rename TYPE OLD NEW    any managed entity (VirtualMachine, HostSystem, Folder, ...)
  poweron NAME | poweroff NAME | destroy NAME   a VM
  terminate              ends every session but this one (as an admin or vCenter would)
  reconfigure NAME CPUS MEMORY_MB   a VM's CPUs and memory
  migrate NAME HOST      a VM to another host (RelocateVM_Task, that host's resource pool)
  mkfolder PARENT NAME   a folder inside folder PARENT
  move TYPE NAME FOLDER  an entity into folder FOLDER (MoveIntoFolder_Task)
  clone NAME NEW         a VM cloned beside itself
  suspend NAME           a VM
  addhost CLUSTER NAME   a new host in a cluster (connected)

Several operations in one run (one session, back to back): separate them with "--".

Prints one JSON line with the affected object's MoRef value (or the count of sessions ended).
Env: VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_FINGERPRINT_SHA256 (vcsim_pyvmomi.py).
Run with /usr/bin/python3 (the pyenv python3 on PATH has no pyVmomi).
"""
import json
import sys

from pyVim.task import WaitForTask
from pyVmomi import vim

from vcsim_pyvmomi import vcsim_session


def find(content, vim_type, name):
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim_type], True)
    try:
        for obj in view.view:
            if obj.name == name:
                return obj
    finally:
        view.Destroy()
    sys.exit(f"vcsim_change: no {vim_type.__name__} named {name}")


def main():
    ops = [[]]
    for arg in sys.argv[1:]:
        if arg == "--":
            ops.append([])
        else:
            ops[-1].append(arg)
    if not ops[0]:
        sys.exit("vcsim_change: say what to change (see the docstring)")
    with vcsim_session("vcsim_change") as si:
        content = si.RetrieveContent()
        out = {}
        for op in ops:
            apply(content, op, out)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


def apply(content, op, out):
    """One operation of argv; the affected MoRef value goes into `out`."""
    if op[0] == "create":
        dc = content.rootFolder.childEntity[0]
        host = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem], True).view[0]
        spec = vim.vm.ConfigSpec(name=op[1], guestId="otherGuest", numCPUs=2, memoryMB=64,
                                 files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"))
        task = dc.vmFolder.CreateVM_Task(config=spec, pool=host.parent.resourcePool, host=host)
        WaitForTask(task)
        out["moref"] = task.info.result._moId
    elif op[0] == "rename":
        obj = find(content, getattr(vim, op[1]), op[2])
        WaitForTask(obj.Rename_Task(newName=op[3]))
        out["moref"] = obj._moId
    elif op[0] in ("poweron", "poweroff", "destroy"):
        vm = find(content, vim.VirtualMachine, op[1])
        method = {"poweron": vm.PowerOnVM_Task, "poweroff": vm.PowerOffVM_Task, "destroy": vm.Destroy_Task}[op[0]]
        out["moref"] = vm._moId
        WaitForTask(method())
    elif op[0] == "terminate":
        sm = content.sessionManager
        others = [s.key for s in sm.sessionList if s.key != sm.currentSession.key]
        if others:
            sm.TerminateSession(sessionId=others)
        out["ended"] = len(others)
    elif op[0] == "reconfigure":
        vm = find(content, vim.VirtualMachine, op[1])
        WaitForTask(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(numCPUs=int(op[2]), memoryMB=int(op[3]))))
        out["moref"] = vm._moId
    elif op[0] == "migrate":
        vm = find(content, vim.VirtualMachine, op[1])
        host = find(content, vim.HostSystem, op[2])
        WaitForTask(vm.RelocateVM_Task(spec=vim.vm.RelocateSpec(host=host, pool=host.parent.resourcePool)))
        out["moref"] = vm._moId
    elif op[0] == "mkfolder":
        parent = find(content, vim.Folder, op[1])
        out["moref"] = parent.CreateFolder(name=op[2])._moId
    elif op[0] == "move":
        obj = find(content, getattr(vim, op[1]), op[2])
        folder = find(content, vim.Folder, op[3])
        WaitForTask(folder.MoveIntoFolder_Task(list=[obj]))
        out["moref"] = obj._moId
    elif op[0] == "clone":
        vm = find(content, vim.VirtualMachine, op[1])
        task = vm.CloneVM_Task(folder=vm.parent, name=op[2], spec=vim.vm.CloneSpec(location=vim.vm.RelocateSpec()))
        WaitForTask(task)
        out["moref"] = task.info.result._moId
    elif op[0] == "suspend":
        vm = find(content, vim.VirtualMachine, op[1])
        WaitForTask(vm.SuspendVM_Task())
        out["moref"] = vm._moId
    elif op[0] == "addhost":
        cluster = find(content, vim.ClusterComputeResource, op[1])
        task = cluster.AddHost_Task(spec=vim.host.ConnectSpec(hostName=op[2]), asConnected=True)
        WaitForTask(task)
        out["moref"] = task.info.result._moId
    else:
        sys.exit(f"vcsim_change: unknown operation {op[0]}")


if __name__ == "__main__":
    main()
