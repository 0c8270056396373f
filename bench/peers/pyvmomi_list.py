#!/usr/bin/python3
"""pyVmomi peer of bench/vsphere-inventory, on Debian's python3-pyvmomi (6.7.1).

Does the same work as our connector's listAllVmsOneShot and bench/peers/govmomi-list:
login over HTTPS pinned by SHA-256, a recursive ContainerView of VirtualMachine,
RetrievePropertiesEx/ContinueRetrievePropertiesEx in maxObjects pages, one paged read of
the host names, logout; prints one JSON array sorted by name of
{name, powerState, numCpu, memoryMB, ip?, host?}.

Env: VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_FINGERPRINT_SHA256,
VSPHERE_MAX_OBJECTS (default 1000). Run with /usr/bin/python3: the pyenv python3 on PATH
has no pyVmomi.
"""
import hashlib
import json
import os
import ssl
import sys
from urllib.parse import urlsplit

from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim, vmodl

VM_PATHS = ["name", "runtime.powerState", "summary.config.numCpu",
            "summary.config.memorySizeMB", "guest.ipAddress", "runtime.host"]
PC = vmodl.query.PropertyCollector


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"pyvmomi_list: {name} is not set")
    return value


def pinned_context(host, port, pin_hex):
    """An SSLContext that trusts exactly the pinned certificate, plus its SHA-1 thumbprint.

    pyVmomi 6.7.1 has no SHA-256 pin: its `thumbprint` is SHA-1 only, and with no context it
    silently turns verification OFF for 127.0.0.1 (pyVim.connect.localSslFixup). So we fetch
    the certificate once, refuse it unless its SHA-256 matches the pin, and make it the only
    trust anchor: every later connection must present that certificate (hostname checks are
    off, as with any fingerprint pin). pyVmomi's own SHA-1 check of the same certificate runs
    on each of its connections too.
    """
    pem = ssl.get_server_certificate((host, port))
    der = ssl.PEM_cert_to_DER_cert(pem)
    seen = hashlib.sha256(der).hexdigest()
    if seen != pin_hex:
        sys.exit(f"pyvmomi_list: certificate fingerprint {seen.upper()} does not match the pin")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=pem)
    # vcsim serves Go's httptest certificate, an RSA-1024 key, which Debian's OpenSSL refuses
    # at its default security level 2 ("EE certificate key too weak"). The pin, not the key
    # size, is what we rely on here, so accept level 1 for this peer only.
    ctx.set_ciphers("DEFAULT:@SECLEVEL=1")
    return ctx, hashlib.sha1(der).hexdigest()


def retrieve_all(pc, spec, max_objects):
    """Yields every ObjectContent, following ContinueRetrievePropertiesEx tokens."""
    page = pc.RetrievePropertiesEx([spec], PC.RetrieveOptions(maxObjects=max_objects))
    while page is not None:
        yield from page.objects
        page = pc.ContinueRetrievePropertiesEx(page.token) if page.token else None


def main():
    url = urlsplit(env("VSPHERE_URL"))
    pin = env("VSPHERE_FINGERPRINT_SHA256").replace(":", "").lower()
    max_objects = int(os.environ.get("VSPHERE_MAX_OBJECTS") or 1000)
    port = url.port or 443
    ctx, sha1 = pinned_context(url.hostname, port, pin)

    si = SmartConnect(host=url.hostname, port=port, path=url.path or "/sdk",
                      user=env("VSPHERE_USER"), pwd=env("VSPHERE_PASSWORD"),
                      sslContext=ctx, thumbprint=sha1)
    try:
        content = si.RetrieveContent()
        pc = content.propertyCollector
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
        spec = PC.FilterSpec(
            objectSet=[PC.ObjectSpec(obj=view, skip=True, selectSet=[
                PC.TraversalSpec(name="view", type=vim.view.ContainerView, path="view", skip=False)])],
            propSet=[PC.PropertySpec(type=vim.VirtualMachine, all=False, pathSet=VM_PATHS)])
        vms = []
        for oc in retrieve_all(pc, spec, max_objects):
            props = {p.name: p.val for p in oc.propSet}
            vms.append(props)
        view.DestroyView()

        # One paged read of each distinct host's name, not one round trip per VM.
        hosts = {p["runtime.host"]._moId: p["runtime.host"] for p in vms if p.get("runtime.host") is not None}
        names = {}
        if hosts:
            spec = PC.FilterSpec(objectSet=[PC.ObjectSpec(obj=h) for h in hosts.values()],
                                 propSet=[PC.PropertySpec(type=vim.HostSystem, all=False, pathSet=["name"])])
            for oc in retrieve_all(pc, spec, max_objects):
                names[oc.obj._moId] = next((p.val for p in oc.propSet if p.name == "name"), None)
    finally:
        Disconnect(si)

    rows = []
    for p in vms:
        row = {"name": p["name"], "powerState": str(p["runtime.powerState"]),
               "numCpu": p["summary.config.numCpu"], "memoryMB": p["summary.config.memorySizeMB"]}
        # Unset properties are left out (or sent with no value): keep the key out too.
        if p.get("guest.ipAddress"):
            row["ip"] = p["guest.ipAddress"]
        host = p.get("runtime.host")
        if host is not None and names.get(host._moId):
            row["host"] = names[host._moId]
        rows.append(row)
    rows.sort(key=lambda r: r["name"])
    json.dump(rows, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
