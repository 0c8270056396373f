import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_CA_BYTES } from '../../base/contracts/token-protocol.js';
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Outcome of `readCaFile`: the absolute path to store, or why the file was refused. */
export type CaFileCheck = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly message: string };

/**
 * Check that `file` is a readable PEM file holding at least one parseable certificate and
 * return its absolute path (the host reads it later, from its own working directory).
 * A refusal's message starts with the absolute path and says what to do, e.g.
 * `/x/ca.pem does not exist; give the path of a PEM certificate file`; the caller puts the
 * field's name in front (`--ca`, `CA file`).
 */
export function readCaFile(file: string, cwd: string = process.cwd()): CaFileCheck {
  const abs = path.resolve(cwd, file);
  const refuse = (why: string): CaFileCheck => ({ ok: false, message: `${abs} ${why}` });
  const read = readCaText(abs);
  if (!read.ok) {
    if (read.why === 'missing') return refuse('does not exist; give the path of a PEM certificate file');
    if (read.why === 'not-a-file') return refuse('is not a file; give the path of a PEM certificate file');
    if (read.why === 'too-large') return refuse('is larger than 1 MiB; give a PEM certificate file');
    return refuse(`cannot be read (${read.code}); check its permissions`);
  }
  const text = read.text;
  const blocks = text.match(PEM_CERT) ?? [];
  if (blocks.length === 0) return refuse('holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA as PEM');
  for (const pem of blocks) {
    try {
      new crypto.X509Certificate(pem);
    } catch {
      return refuse('holds a certificate that cannot be parsed; export the CA again as PEM');
    }
  }
  return { ok: true, path: abs };
}

/**
 * The certificates of a CA file as the host uses it (login, grant): its PEM certificate
 * blocks, each on its own line, and nothing else of the file; `no-certificate` when it has
 * none any more.
 *
 * Security: the grant carries the CA to the server child. A file that `--ca` accepted for
 * its certificate may hold more beside it (a combined PEM with the private key, as
 * `openssl req -x509 -keyout f -out f` or a proxy's certificate file makes it), and none of
 * that is the child's to read (Y5-redteam).
 */
export function readCaCertificates(file: string): CaText {
  return caCertificatesOf(readCaText(file));
}

/**
 * {@link readCaCertificates} of a file already read (`readCaText`): an unlock reads the CA file
 * once, hashes those bytes for the password's binding (D198) and takes the login's
 * certificates from the same bytes, so both see one file.
 */
export function caCertificatesOf(read: CaText): CaText {
  if (!read.ok) return read;
  const blocks = (read.text.match(PEM_CERT) ?? []).filter(parsesAsCertificate);
  if (blocks.length === 0) return { ok: false, why: 'no-certificate', code: 'EINVAL' };
  return { ok: true, text: `${blocks.join('\n')}\n` };
}

function parsesAsCertificate(pem: string): boolean {
  try {
    new crypto.X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

/** A CA file's text, or why it was not read. */
export type CaText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly why: 'missing' | 'not-a-file' | 'too-large' | 'unreadable' | 'no-certificate'; readonly code: string };

/**
 * Read a CA file whole if it is a regular file of at most MAX_CA_BYTES, checked on the open
 * descriptor. Security: the host reads the CA of an endpoint at every login and grant, long
 * after `--ca` checked it; a path that became a FIFO or a device must not stop the host's
 * event loop in open(2) or read(2) for ever, nor a huge file fill its heap (R10-attack).
 * O_NONBLOCK makes the open of a FIFO return at once; the fstat then refuses it.
 */
export function readCaText(file: string): CaText {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, why: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', code };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { ok: false, why: 'not-a-file', code: 'EINVAL' };
    if (st.size > MAX_CA_BYTES) return { ok: false, why: 'too-large', code: 'EFBIG' };
    // One byte past the bound: a file that grew since the fstat is refused, not cut.
    const buffer = Buffer.alloc(MAX_CA_BYTES + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_CA_BYTES) return { ok: false, why: 'too-large', code: 'EFBIG' };
    return { ok: true, text: buffer.toString('utf8', 0, length) };
  } catch (e) {
    return { ok: false, why: 'unreadable', code: (e as NodeJS.ErrnoException).code ?? 'error' };
  } finally {
    fs.closeSync(fd);
  }
}
