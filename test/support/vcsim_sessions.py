#!/usr/bin/python3
"""vcsim's own session list, read by an independent client (Debian's python3-pyvmomi).

Logs in with its own session, reads SessionManager.sessionList, prints one JSON array of
{key, userName} for every session except its own, and logs out. Tests use it to check
that KeyBroker really logged out upstream, without trusting KeyBroker's code to say so.

Env: VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_FINGERPRINT_SHA256 (vcsim_pyvmomi.py).
Run with /usr/bin/python3 (the pyenv python3 on PATH has no pyVmomi).
"""
import json
import sys

from vcsim_pyvmomi import vcsim_session


def main():
    with vcsim_session("vcsim_sessions") as si:
        sm = si.RetrieveContent().sessionManager
        own = sm.currentSession.key
        rows = [{"key": s.key, "userName": s.userName} for s in sm.sessionList if s.key != own]
    json.dump(sorted(rows, key=lambda r: r["key"]), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
