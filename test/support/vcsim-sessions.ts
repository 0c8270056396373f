import { execFile } from 'node:child_process';
import path from 'node:path';
import { request } from 'undici';
import { createUpstreamDispatcher } from '../../src/connectors/tls/index.js';
import type { Vcsim } from './vcsim.js';

const SCRIPT = path.resolve(import.meta.dirname, 'vcsim_sessions.py');
/** Debian's python3 with python3-pyvmomi; the pyenv python3 on PATH has no pyVmomi. */
const PYTHON = '/usr/bin/python3';

/** One vcsim session as its SessionManager lists it. */
export interface VcsimSession {
  readonly key: string;
  readonly userName: string;
}

/**
 * vcsim's own SessionManager.sessionList, read by an independent client (pyVmomi, its own
 * login, which it leaves out and logs out). The password travels in the child's env, not argv.
 */
export function vcsimSessions(vcsim: Vcsim): Promise<VcsimSession[]> {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    VSPHERE_URL: vcsim.url, VSPHERE_USER: vcsim.username, VSPHERE_PASSWORD: vcsim.password,
    VSPHERE_FINGERPRINT_SHA256: vcsim.fingerprintSha256,
  };
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`vcsim_sessions.py failed (${stderr.trim().split('\n').slice(-3).join(' | ') || error.message}); install python3-pyvmomi`));
      resolve(JSON.parse(stdout) as VcsimSession[]);
    });
  });
}

/**
 * Whether vcsim still accepts `cookie`: one raw SOAP RetrievePropertiesEx of
 * SessionManager.currentSession, written here by hand rather than through the connector
 * under test. vcsim answers an unknown cookie without the property (real vCenter faults).
 * Sent at once, in-process, so it runs right after the command under test returned.
 */
export async function cookieIsLive(vcsim: Vcsim, cookie: string): Promise<boolean> {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:vim25="urn:vim25"><soapenv:Body>' +
    '<vim25:RetrievePropertiesEx><vim25:_this type="PropertyCollector">propertyCollector</vim25:_this><vim25:specSet>' +
    '<vim25:propSet><vim25:type>SessionManager</vim25:type><vim25:all>false</vim25:all><vim25:pathSet>currentSession</vim25:pathSet></vim25:propSet>' +
    '<vim25:objectSet><vim25:obj type="SessionManager">SessionManager</vim25:obj><vim25:skip>false</vim25:skip></vim25:objectSet>' +
    '</vim25:specSet><vim25:options/></vim25:RetrievePropertiesEx></soapenv:Body></soapenv:Envelope>';
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
  try {
    const res = await request(vcsim.url, {
      method: 'POST', dispatcher, body,
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: 'urn:vim25/8.0.2.0', cookie: `vmware_soap_session=${cookie}` },
    });
    const text = await res.body.text();
    if (/NotAuthenticated/.test(text)) return false;
    if (res.statusCode !== 200) throw new Error(`vcsim answered ${res.statusCode}: ${text.slice(0, 200)}`);
    return /<name>currentSession<\/name>\s*<val[^>]*>\s*<key>[^<]+<\/key>/.test(text);
  } finally {
    await dispatcher.close();
  }
}
