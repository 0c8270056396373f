"""The independent client's way into vcsim (Debian's python3-pyvmomi), shared by the test helpers.

vcsim_change.py and vcsim_sessions.py each log in as a client that shares no code with
KeyBroker: the endpoint and credentials from the environment, the server certificate trusted
only if its SHA-256 matches the pin, their own session, logged out at the end.

Env: VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_FINGERPRINT_SHA256.
Run with /usr/bin/python3 (the pyenv python3 on PATH has no pyVmomi).
"""
import hashlib
import os
import ssl
import sys
from contextlib import contextmanager
from urllib.parse import urlsplit

from pyVim.connect import Disconnect, SmartConnect


def env(name, prog):
    """The environment variable `name`; exits naming `prog` when it is not set."""
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{prog}: {name} is not set")
    return value


def pinned_context(host, port, pin_hex, prog):
    """Trust exactly the pinned certificate (see bench/peers/pyvmomi_list.py for why)."""
    pem = ssl.get_server_certificate((host, port))
    der = ssl.PEM_cert_to_DER_cert(pem)
    if hashlib.sha256(der).hexdigest() != pin_hex:
        sys.exit(f"{prog}: certificate fingerprint does not match the pin")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=pem)
    ctx.set_ciphers("DEFAULT:@SECLEVEL=1")  # vcsim's RSA-1024 test certificate
    return ctx, hashlib.sha1(der).hexdigest()


@contextmanager
def vcsim_session(prog):
    """A session of its own on the vcsim the environment names (pinned); logged out on leaving."""
    url = urlsplit(env("VSPHERE_URL", prog))
    port = url.port or 443
    ctx, sha1 = pinned_context(url.hostname, port, env("VSPHERE_FINGERPRINT_SHA256", prog).replace(":", "").lower(), prog)
    si = SmartConnect(host=url.hostname, port=port, path=url.path or "/sdk",
                      user=env("VSPHERE_USER", prog), pwd=env("VSPHERE_PASSWORD", prog),
                      sslContext=ctx, thumbprint=sha1)
    try:
        yield si
    finally:
        Disconnect(si)
