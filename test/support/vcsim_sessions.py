#!/usr/bin/python3
"""vcsim's own session list, read by an independent client (Debian's python3-pyvmomi).

Logs in with its own session, reads SessionManager.sessionList, prints one JSON array of
{key, userName} for every session except its own, and logs out. Tests use it to check
that KeyBroker really logged out upstream, without trusting KeyBroker's code to say so.

Env: VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_FINGERPRINT_SHA256.
Run with /usr/bin/python3 (the pyenv python3 on PATH has no pyVmomi).
"""
import hashlib
import json
import os
import ssl
import sys
from urllib.parse import urlsplit

from pyVim.connect import Disconnect, SmartConnect


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"vcsim_sessions: {name} is not set")
    return value


def pinned_context(host, port, pin_hex):
    """Trust exactly the pinned certificate (see bench/peers/pyvmomi_list.py for why)."""
    pem = ssl.get_server_certificate((host, port))
    der = ssl.PEM_cert_to_DER_cert(pem)
    if hashlib.sha256(der).hexdigest() != pin_hex:
        sys.exit("vcsim_sessions: certificate fingerprint does not match the pin")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=pem)
    ctx.set_ciphers("DEFAULT:@SECLEVEL=1")  # vcsim's RSA-1024 test certificate
    return ctx, hashlib.sha1(der).hexdigest()


def main():
    url = urlsplit(env("VSPHERE_URL"))
    port = url.port or 443
    ctx, sha1 = pinned_context(url.hostname, port, env("VSPHERE_FINGERPRINT_SHA256").replace(":", "").lower())
    si = SmartConnect(host=url.hostname, port=port, path=url.path or "/sdk",
                      user=env("VSPHERE_USER"), pwd=env("VSPHERE_PASSWORD"),
                      sslContext=ctx, thumbprint=sha1)
    try:
        sm = si.RetrieveContent().sessionManager
        own = sm.currentSession.key
        rows = [{"key": s.key, "userName": s.userName} for s in sm.sessionList if s.key != own]
    finally:
        Disconnect(si)
    json.dump(sorted(rows, key=lambda r: r["key"]), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
