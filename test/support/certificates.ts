import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A certificate authority and a certificate it signed, as files and as PEM text. */
export interface CertificateSet {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** PEM of the CA certificate. */
  readonly ca: string;
  /** PEM of the signed certificate and its key (for a server, or a client). */
  readonly cert: string;
  readonly key: string;
  remove(): void;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

/**
 * Generates, with the `openssl` command, a throwaway CA and a certificate it
 * signs for `127.0.0.1` and `localhost` (usable by a server or a client).
 */
export function generateCertificates(label: string): CertificateSet {
  const dir = mkdtempSync(path.join(os.tmpdir(), `certs-${label}-`));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${label} test CA`, '-keyout', 'ca.key', '-out', 'ca.crt'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'cert.key', '-out', 'cert.csr'], dir);
  writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(['x509', '-req', '-in', 'cert.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'cert.crt'], dir);
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    caFile: file('ca.crt'),
    certFile: file('cert.crt'),
    keyFile: file('cert.key'),
    ca: readFileSync(file('ca.crt'), 'utf8'),
    cert: readFileSync(file('cert.crt'), 'utf8'),
    key: readFileSync(file('cert.key'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** redis-server arguments that add a TLS port serving `certs` (the plain port stays, for the harness). */
export function tlsServerArgs(certs: CertificateSet, tlsPort: number, requireClientCertificates = false): string[] {
  return [
    '--tls-port', String(tlsPort),
    '--tls-cert-file', certs.certFile,
    '--tls-key-file', certs.keyFile,
    '--tls-ca-cert-file', certs.caFile,
    '--tls-auth-clients', requireClientCertificates ? 'yes' : 'no',
  ];
}
