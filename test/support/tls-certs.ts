// Self-signed certificates made with openssl at test time, in a temporary directory removed afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
}

/** One certificate per common name (its SAN is the same DNS name); EC P-256 keys, valid for a day. */
export function makeCertificates(names: readonly string[]): Map<string, TestCertificate> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshlet-tls-'));
  try {
    const out = new Map<string, TestCertificate>();
    names.forEach((cn, i) => {
      const [cert, key] = [path.join(dir, `${i}.crt`), path.join(dir, `${i}.key`)];
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
        '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`, '-keyout', key, '-out', cert,
      ], { stdio: 'ignore' });
      out.set(cn, { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') });
    });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A kubernetes.io/tls Secret manifest holding `cert` and `key` (PEM text, base64-encoded into `data`). */
export function tlsSecretManifest(name: string, c: TestCertificate, namespace = 'default'): string {
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  return `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${namespace}}
type: kubernetes.io/tls
data: {tls.crt: ${b64(c.cert)}, tls.key: ${b64(c.key)}}
`;
}
