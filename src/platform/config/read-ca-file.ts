import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A CA bundle is a few KiB; refusing large files keeps a wrong path from being slurped. */
const MAX_CA_BYTES = 1024 * 1024;
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
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return refuse('does not exist; give the path of a PEM certificate file');
  }
  if (!st.isFile()) return refuse('is not a file; give the path of a PEM certificate file');
  if (st.size > MAX_CA_BYTES) return refuse('is larger than 1 MiB; give a PEM certificate file');
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    return refuse(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`);
  }
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
