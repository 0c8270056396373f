// readCaFile (the local-safety mutation area): a CA file given to `--ca` or the settings form
// is a regular file of at most 1 MiB whose every PEM block is a certificate. A device, a
// folder or a large file is refused before it is read, so a wrong path is never slurped.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCaCertificates, readCaFile } from '../../../src/platform/config/read-ca-file.js';
import { createTestPki, type TestPki } from '../../support/openssl-pki.js';

const MiB = 1024 * 1024;

describe('readCaFile()', () => {
  let pki: TestPki;
  let dir: string;
  let cert: string;
  const write = (name: string, text: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const refusal = (file: string, cwd?: string) => {
    const r = readCaFile(file, cwd);
    assert.equal(r.ok, false, `${file} was accepted`);
    return r.ok ? '' : r.message;
  };
  /** A PEM file of exactly `size` bytes: the certificate, then comment lines (PEM allows text around blocks). */
  const sized = (name: string, size: number) => write(name, cert + '#'.repeat(size - Buffer.byteLength(cert) - 1) + '\n');

  before(() => {
    pki = createTestPki();
    cert = pki.ca.cert;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ca-file-'));
  });
  after(() => {
    pki.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a PEM certificate file and answers its absolute path, relative to the given folder', () => {
    const file = write('ca.pem', cert);
    assert.deepEqual(readCaFile(file), { ok: true, path: file });
    assert.deepEqual(readCaFile('ca.pem', dir), { ok: true, path: file });
    assert.deepEqual(readCaFile(path.join('..', path.basename(dir), 'ca.pem'), dir), { ok: true, path: file });
    const two = write('two.pem', `${pki.issue('DNS:vc1.corp.example').cert}\n${cert}`);
    assert.deepEqual(readCaFile(two), { ok: true, path: two });
  });

  it('refuses a missing file and a relative one against the wrong folder, starting with the absolute path', () => {
    assert.equal(refusal('missing.pem', dir), `${path.join(dir, 'missing.pem')} does not exist; give the path of a PEM certificate file`);
    assert.equal(refusal('ca.pem', os.tmpdir()), `${path.join(os.tmpdir(), 'ca.pem')} does not exist; give the path of a PEM certificate file`);
  });

  it('Security: refuses a folder or a device without reading it', () => {
    assert.equal(refusal(dir), `${dir} is not a file; give the path of a PEM certificate file`);
    if (fs.existsSync('/dev/null')) assert.equal(refusal('/dev/null'), '/dev/null is not a file; give the path of a PEM certificate file');
  });

  it('Security: takes a file of 1 MiB at most, refusing a larger one before reading it', () => {
    assert.deepEqual(readCaFile(sized('exact.pem', MiB)), { ok: true, path: path.join(dir, 'exact.pem') });
    const big = sized('big.pem', MiB + 1);
    assert.equal(fs.statSync(big).size, MiB + 1);
    assert.equal(refusal(big), `${big} is larger than 1 MiB; give a PEM certificate file`);
  });

  it('refuses a file with no PEM certificate, e.g. DER or a key', () => {
    const der = write('ca.der', Buffer.from(cert.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    assert.equal(refusal(der), `${der} holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA as PEM`);
    const key = write('ca.key', pki.ca.key);
    assert.equal(refusal(key), `${key} holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA as PEM`);
    const empty = write('empty.pem', '-----BEGIN CERTIFICATE----------END CERTIFICATE-----');
    assert.match(refusal(empty), /holds no PEM certificate/, 'a block needs a body');
  });

  it('Security: refuses the file when any one of its certificates cannot be parsed, also after a good one', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nTUlJQm9nYWdl\n-----END CERTIFICATE-----\n';
    for (const [name, text] of [['broken.pem', broken], ['good-then-broken.pem', `${cert}${broken}`], ['broken-then-good.pem', `${broken}${cert}`]] as const) {
      const file = write(name, text);
      assert.equal(refusal(file), `${file} holds a certificate that cannot be parsed; export the CA again as PEM`, name);
    }
  });

  it('refuses a file that cannot be read, with the reason', { skip: !fs.existsSync('/proc/self/mem') && 'needs Linux /proc' }, () => {
    // A regular file of size 0 whose first read fails (address 0 is never mapped).
    assert.equal(refusal('/proc/self/mem'), '/proc/self/mem cannot be read (EIO); check its permissions');
  });

  it('refuses a file it may not read, saying so', { skip: (process.platform === 'win32' || process.getuid?.() === 0) && 'root reads any file' }, () => {
    const file = write('locked.pem', cert);
    fs.chmodSync(file, 0o000);
    assert.equal(refusal(file), `${file} cannot be read (EACCES); check its permissions`);
  });
});

describe('readCaCertificates() (Y5-redteam)', () => {
  let pki: TestPki;
  let dir: string;
  before(() => {
    pki = createTestPki();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ca-certs-'));
  });
  after(() => {
    pki.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the parseable certificates, one per line, and drops a private key, text around them and a block that is no certificate', () => {
    const other = pki.selfSigned('DNS:other.example').cert;
    const file = path.join(dir, 'combined.pem');
    const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----';
    fs.writeFileSync(file, `comment: ops export\n${pki.ca.key}${pki.ca.cert}\n\n${broken}\n${other.trim()}`);
    const read = readCaCertificates(file);
    assert.deepEqual(read, { ok: true, text: `${pki.ca.cert.trim()}\n${other.trim()}\n` }, 'not exactly the two certificates');
  });

  it('refuses a file with no certificate left, and passes on why a file was not read', () => {
    const keyOnly = path.join(dir, 'key.pem');
    fs.writeFileSync(keyOnly, pki.ca.key);
    assert.deepEqual(readCaCertificates(keyOnly), { ok: false, why: 'no-certificate', code: 'EINVAL' }, 'a key-only file was used as a CA');
    assert.equal(readCaCertificates(path.join(dir, 'missing.pem')).ok, false, 'a missing file was read');
  });
});
