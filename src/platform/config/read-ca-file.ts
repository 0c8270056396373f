import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { usageError } from '../../cli/cli-error.js';

/** A CA bundle is a few KiB; refusing large files keeps a wrong path from being slurped. */
const MAX_CA_BYTES = 1024 * 1024;
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Check that `file` is a readable PEM file holding at least one parseable certificate and
 * return its absolute path (the host reads it later, from its own working directory).
 */
export function readCaFile(file: string, cwd: string = process.cwd()): string {
  const abs = path.resolve(cwd, file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw usageError(`--ca ${abs} does not exist; give the path of a PEM certificate file`);
  }
  if (!st.isFile()) throw usageError(`--ca ${abs} is not a file; give the path of a PEM certificate file`);
  if (st.size > MAX_CA_BYTES) throw usageError(`--ca ${abs} is larger than 1 MiB; give a PEM certificate file`);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw usageError(`--ca ${abs} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`);
  }
  const blocks = text.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw usageError(`--ca ${abs} holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA as PEM`);
  for (const pem of blocks) {
    try {
      new crypto.X509Certificate(pem);
    } catch {
      throw usageError(`--ca ${abs} holds a certificate that cannot be parsed; export the CA again as PEM`);
    }
  }
  return abs;
}
