import { createHash } from 'node:crypto';
import { RedisSessionConfigError } from '../errors.js';

/** PEM text or its bytes. */
export type PemData = string | Uint8Array;

/**
 * TLS settings for `rediss://` connections (the `tls` option). Certificates
 * are verified by default: a server whose certificate is not signed by `ca`
 * (or, without `ca`, by Node's built-in root certificates) is refused.
 */
export interface TlsOptions {
  /** The certificate authorities to trust, PEM. Default: Node's root certificates. */
  ca?: PemData | PemData[];
  /** A client certificate, PEM, for servers that require one (`tls-auth-clients yes`). */
  cert?: PemData;
  /** The client certificate's private key, PEM. */
  key?: PemData;
  /** The name to verify in the server's certificate, when it differs from the host in the URL. */
  servername?: string;
  /**
   * Whether to refuse a server whose certificate cannot be verified. Default `true`.
   * `false` turns verification off and makes TLS open to interception: use only for local tests.
   */
  rejectUnauthorized?: boolean;
}

/** Node TLS socket options, as node-redis passes them to `tls.connect`. */
export interface TlsSocketOptions {
  readonly tls: true;
  readonly ca?: (string | Buffer)[];
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
}

/** Checked TLS settings: socket options for node-redis, and an identity for sharing connections. */
export interface ResolvedTls {
  readonly socket: TlsSocketOptions;
  /** A digest of the settings (never the key itself): sessions share a connection only with equal settings. */
  readonly identity: string;
}

const isPem = (value: unknown): value is PemData => typeof value === 'string' || value instanceof Uint8Array;
const toNode = (value: PemData): string | Buffer =>
  typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);

/**
 * Checks the `tls` option. Returns `undefined` when it is not set.
 *
 * @throws {RedisSessionConfigError} when a field has the wrong type. Messages never contain key material.
 */
export function validateTls(tls: unknown): ResolvedTls | undefined {
  if (tls === undefined) return undefined;
  if (tls === null || typeof tls !== 'object' || Array.isArray(tls)) {
    throw new RedisSessionConfigError('tls must be an object such as { ca: fs.readFileSync("ca.crt") }, used with a rediss:// URL.');
  }
  const { ca, cert, key, servername, rejectUnauthorized } = tls as TlsOptions;
  const cas = ca === undefined ? undefined : Array.isArray(ca) ? ca : [ca];
  if (cas !== undefined && (cas.length === 0 || !cas.every(isPem))) {
    throw new RedisSessionConfigError('tls.ca must be PEM text or bytes (or a non-empty array of them), for example fs.readFileSync("ca.crt").');
  }
  for (const [name, value] of [['cert', cert], ['key', key]] as const) {
    if (value !== undefined && !isPem(value)) {
      throw new RedisSessionConfigError(`tls.${name} must be PEM text or bytes, for example fs.readFileSync("client.${name === 'cert' ? 'crt' : 'key'}").`);
    }
  }
  if ((cert === undefined) !== (key === undefined)) {
    throw new RedisSessionConfigError('tls.cert and tls.key go together: pass both for a client certificate, or neither.');
  }
  if (servername !== undefined && (typeof servername !== 'string' || servername === '')) {
    throw new RedisSessionConfigError('tls.servername must be a non-empty host name.');
  }
  if (rejectUnauthorized !== undefined && typeof rejectUnauthorized !== 'boolean') {
    throw new RedisSessionConfigError('tls.rejectUnauthorized must be true or false (default true: verify the server certificate).');
  }
  const socket: TlsSocketOptions = {
    tls: true,
    ...(cas && { ca: cas.map(toNode) }),
    ...(cert !== undefined && { cert: toNode(cert) }),
    ...(key !== undefined && { key: toNode(key) }),
    ...(servername !== undefined && { servername }),
    rejectUnauthorized: rejectUnauthorized ?? true,
  };
  const digest = createHash('sha256');
  for (const part of [...(socket.ca ?? []), socket.cert ?? '', socket.key ?? '', servername ?? '', String(socket.rejectUnauthorized)]) {
    digest.update(part).update('\0');
  }
  return { socket, identity: digest.digest('hex') };
}
