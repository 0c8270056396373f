import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A key and certificate, both PEM. */
export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

/** How a leaf differs from a good server certificate. */
export interface IssueOptions {
  /** Valid for one day in 2020 only: expired. */
  readonly expired?: boolean;
  /** The extendedKeyUsage line; default `serverAuth`. `clientAuth` makes it unfit for a server. */
  readonly extendedKeyUsage?: string;
}

/** A throwaway CA with leaves, made by the openssl CLI (what an admin would run). */
export interface TestPki {
  readonly ca: KeyPair;
  /** Issue a server certificate signed by this CA for the given SANs, e.g. `IP:127.0.0.1`. */
  issue(subjectAltName: string, options?: IssueOptions): KeyPair;
  /** A self-signed server certificate (no CA at all), as a fresh appliance presents. */
  selfSigned(subjectAltName: string): KeyPair;
  /** Remove the temp directory. */
  remove(): void;
}

/** Create a P-256 CA in a fresh temp dir; throws with an install hint when openssl is missing. */
export function createTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-pki-'));
  const file = (name: string): string => path.join(dir, name);
  const run = (args: string[]): void => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const why = missing ? 'openssl not found; apt-get install openssl' : `openssl ${args[0]} failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`;
      throw new Error(why, { cause: error });
    }
  };
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run(['req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', `/CN=KeyBroker Test CA ${randomBytes(4).toString('hex')}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  let n = 0;
  return {
    ca: { key: fs.readFileSync(file('ca.key'), 'utf8'), cert: fs.readFileSync(file('ca.pem'), 'utf8') },
    issue(subjectAltName, options = {}) {
      const name = `leaf${++n}`;
      fs.writeFileSync(file(`${name}.ext`), `subjectAltName=${subjectAltName}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=${options.extendedKeyUsage ?? 'serverAuth'}\n`);
      run(['req', ...ecKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`]);
      if (options.expired) {
        // `x509 -req` only counts days from now; `ca` takes explicit dates, with a minimal database.
        fs.writeFileSync(file('ca.cnf'), '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n');
        fs.appendFileSync(file('index.txt'), '');
        run(['ca', '-batch', '-config', file('ca.cnf'), '-cert', file('ca.pem'), '-keyfile', file('ca.key'), '-in', file(`${name}.csr`), '-rand_serial', '-notext',
          '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`)]);
      } else {
        run(['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-set_serial', `0x${randomBytes(8).toString('hex')}`,
          '-days', '2', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`)]);
      }
      return { key: fs.readFileSync(file(`${name}.key`), 'utf8'), cert: fs.readFileSync(file(`${name}.pem`), 'utf8') };
    },
    selfSigned(subjectAltName) {
      const name = `self${++n}`;
      run(['req', '-x509', ...ecKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`), '-days', '2', '-subj', `/CN=${name}`,
        '-addext', `subjectAltName=${subjectAltName}`, '-addext', 'extendedKeyUsage=serverAuth']);
      return { key: fs.readFileSync(file(`${name}.key`), 'utf8'), cert: fs.readFileSync(file(`${name}.pem`), 'utf8') };
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
