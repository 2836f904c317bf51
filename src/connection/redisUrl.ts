import { RedisSessionConfigError } from '../errors.js';

/** The URL used when neither `redisUrl` nor the `REDIS_URL` environment variable is set. */
export const DEFAULT_REDIS_URL = 'redis://localhost:6379/0';

/** Largest pool size accepted from `?max_connections=`. */
const MAX_POOL_SIZE = 1000;

/** Query options understood in a Redis URL. */
const QUERY_OPTIONS = ['max_connections'] as const;

/** A Redis URL, checked and split into what the connection layer needs. */
export interface ParsedRedisUrl {
  /** The URL to hand to node-redis: scheme, credentials, host, port and db, without query options. */
  readonly connectionUrl: string;
  /** The same URL with the password replaced by `***`: safe for errors and logs. */
  readonly target: string;
  /** `true` for `rediss://`. */
  readonly tls: boolean;
  /** The logical database number from the path (default 0). */
  readonly database: number;
  /** Pool size from `?max_connections=`; `undefined` means one multiplexed connection. */
  readonly poolSize: number | undefined;
}

/**
 * Returns the Redis URL a session should use: the explicit one, else
 * `process.env.REDIS_URL`, else {@link DEFAULT_REDIS_URL}.
 */
export function resolveRedisUrl(explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  const fromEnv = process.env.REDIS_URL;
  return fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv.trim() : DEFAULT_REDIS_URL;
}

/** What an error shows instead of a URL it could not take apart: the URL may contain a password. */
const HIDDEN_URL = '<Redis URL hidden because it may contain a password>';

/**
 * The hint for a URL whose password holds a reserved character (`/`, `?`, `#`, `@`):
 * such a URL cannot be split where the password ends, so no part of it is shown.
 */
const ENCODE_PASSWORD_HINT =
  'percent-encode special characters in the password (encodeURIComponent(password): "/" is %2F, "?" %3F, "#" %23, "@" %40)';

/**
 * Whether a parsed URL has an `@` after its host: then the password held a
 * `/`, `?` or `#` that ended the host part early, and part of it sits in the
 * path, query or fragment.
 */
const hasMisplacedAt = (url: URL): boolean => `${url.pathname}${url.search}${url.hash}`.includes('@');

/**
 * The target shown in errors and logs, built from the parsed parts (scheme,
 * user, host, port, path), never by editing the text: `redis://user:***@host:6379/0`.
 */
function safeTarget(url: URL): string {
  // A lone user part may be a password written without its leading colon.
  const auth = url.password ? `${url.username}:***@` : url.username ? '***@' : '';
  return `${url.protocol}//${auth}${url.host}${url.pathname}`;
}

/**
 * Replaces the password in a Redis URL with `***` (also for `redis+cluster://`
 * and `redis+sentinel://`). Input that does not parse as a Redis URL is not
 * echoed at all, since it may still contain a secret.
 */
export function redactRedisUrl(url: string): string {
  if (isMultiHostUrl(url)) {
    try {
      return parseMultiHostUrl(url).target;
    } catch {
      return HIDDEN_URL;
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return HIDDEN_URL;
  }
  return hasMisplacedAt(parsed) ? HIDDEN_URL : safeTarget(parsed);
}

/**
 * Checks a Redis URL of the form `redis[s]://[[user]:[password]@]host[:port][/db][?max_connections=N]`.
 *
 * @throws {RedisSessionConfigError} when the URL is malformed. The message never contains the password.
 */
export function parseRedisUrl(url: string): ParsedRedisUrl {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new RedisSessionConfigError(
      'redisUrl must be a non-empty string such as "redis://localhost:6379/0". ' +
        'Pass redisUrl, set the REDIS_URL environment variable, or pass an existing client.',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new RedisSessionConfigError(
      'redisUrl is not a valid URL (its value is not shown because it may contain a password). ' +
        `Expected redis://[[user]:[password]@]host:port/db or rediss://... for TLS; ${ENCODE_PASSWORD_HINT}.`,
    );
  }
  if (hasMisplacedAt(parsed)) {
    throw new RedisSessionConfigError(
      'redisUrl has an "@" after its host, so its password holds a "/", "?" or "#" that ends the host part early ' +
        `(the URL is not shown because it contains a password): ${ENCODE_PASSWORD_HINT}.`,
    );
  }
  const target = safeTarget(parsed);
  const fail = (problem: string): never => {
    throw new RedisSessionConfigError(`Invalid Redis URL ${target}: ${problem}`);
  };

  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    fail(`the scheme must be redis:// or rediss:// (TLS), not ${parsed.protocol}//.`);
  }
  if (!parsed.hostname) fail('it has no host name.');
  if (parsed.port !== '') {
    const port = Number(parsed.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail('the port must be between 1 and 65535.');
  }

  const database = parseDatabase(parsed.pathname, fail);
  const poolSize = parsePoolSize(parsed.searchParams, fail);

  const connection = new URL(parsed.toString());
  connection.search = '';
  connection.hash = '';
  connection.pathname = `/${database}`;

  return {
    connectionUrl: connection.toString(),
    target,
    tls: parsed.protocol === 'rediss:',
    database,
    poolSize,
  };
}

function parseDatabase(pathname: string, fail: (problem: string) => never): number {
  const raw = pathname.replace(/^\//, '');
  if (raw === '') return 0;
  if (!/^\d{1,5}$/.test(raw)) fail(`the path must be a database number such as /0, not /${raw}.`);
  return Number(raw);
}

function parsePoolSize(params: URLSearchParams, fail: (problem: string) => never): number | undefined {
  for (const name of params.keys()) {
    if (!(QUERY_OPTIONS as readonly string[]).includes(name)) {
      fail(`unknown query option "${name}"; supported: ${QUERY_OPTIONS.join(', ')}.`);
    }
  }
  const raw = params.get('max_connections');
  if (raw === null) return undefined;
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || size < 1 || size > MAX_POOL_SIZE) {
    fail(`max_connections must be a whole number from 1 to ${MAX_POOL_SIZE}.`);
  }
  return size;
}

/** A `host:port` pair, as node-redis takes sentinel and cluster nodes. */
export interface HostAndPort {
  readonly host: string;
  readonly port: number;
}

/** A `redis+cluster://` or `redis+sentinel://` URL, split into its parts. */
export interface ParsedMultiHostUrl {
  readonly scheme: 'redis+cluster' | 'redis+sentinel';
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly hosts: readonly HostAndPort[];
  /** The path after the host list, without its leading `/`, split on `/`. */
  readonly path: readonly string[];
  /** The URL with the password replaced by `***`. */
  readonly target: string;
}

/** Whether `url` uses a multi-host scheme (`redis+cluster://` or `redis+sentinel://`). */
export function isMultiHostUrl(url: string): boolean {
  return typeof url === 'string' && /^redis\+(cluster|sentinel):\/\//i.test(url.trim());
}

/**
 * Parses `redis+cluster://[user:pass@]host:port[,host:port...]` or
 * `redis+sentinel://[user:pass@]host:port[,host:port...]/<masterName>[/db]`.
 * WHATWG `URL` cannot hold several hosts, so this splits the URL by hand: the
 * credentials end at the last `@`, and the target shown in errors is rebuilt
 * from the parsed parts.
 *
 * @throws {RedisSessionConfigError} when the URL is malformed. The message never contains the password.
 */
export function parseMultiHostUrl(url: string): ParsedMultiHostUrl {
  const text = typeof url === 'string' ? url.trim() : '';
  const schemeMatch = /^(redis\+cluster|redis\+sentinel):\/\//i.exec(text);
  const expected =
    'expected redis+cluster://host:port,host:port or redis+sentinel://host:port,host:port/<masterName>[/db], with no query string';
  if (!schemeMatch) throw new RedisSessionConfigError(`Invalid Redis URL ${HIDDEN_URL}: ${expected}.`);
  const scheme = schemeMatch[1]!.toLowerCase() as ParsedMultiHostUrl['scheme'];
  const rest = text.slice(schemeMatch[0].length);
  const at = rest.lastIndexOf('@');
  const auth = at < 0 ? undefined : rest.slice(0, at);
  // After the last "@" nothing belongs to the password, so that part may be shown.
  const location = rest.slice(at + 1);
  const shown = `${scheme}://${auth === undefined ? '' : '***@'}${location}`;
  const fail = (problem: string, target = shown): never => {
    throw new RedisSessionConfigError(`Invalid Redis URL ${target}: ${problem}`);
  };
  if (auth !== undefined && /[/?#]/.test(auth)) {
    fail(`a "/", "?" or "#" comes before the "@" of the credentials: ${ENCODE_PASSWORD_HINT}.`, `${scheme}://${HIDDEN_URL}`);
  }
  const parts = /^([^/?#]*)(\/[^?#]*)?$/.exec(location);
  if (!parts) return fail(`${expected}.`);
  const [, hostList = '', rawPath = ''] = parts;
  let username: string | undefined;
  let password: string | undefined;
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    const decode = (part: string): string => {
      try {
        return decodeURIComponent(part);
      } catch {
        return fail('the credentials are not valid percent-encoding.');
      }
    };
    username = colon < 0 ? undefined : decode(auth.slice(0, colon)) || undefined;
    password = decode(colon < 0 ? auth : auth.slice(colon + 1)) || undefined;
  }
  const hosts = hostList.split(',').map((entry): HostAndPort => {
    const hostMatch = /^(\[[0-9a-f:.]+\]|[^:[\]]+):(\d{1,5})$/i.exec(entry.trim());
    const port = Number(hostMatch?.[2]);
    if (!hostMatch || port < 1 || port > 65535) return fail(`"${entry}" is not host:port (every host needs its port).`);
    return { host: hostMatch[1]!.replace(/^\[|\]$/g, ''), port };
  });
  const path = rawPath.split('/').filter((part) => part !== '');
  const credentials = auth === undefined ? '' : `${username ? `${encodeURIComponent(username)}:` : ''}***@`;
  const hostText = hosts.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',');
  const target = `${scheme}://${credentials}${hostText}${path.map((part) => `/${part}`).join('')}`;
  return { scheme, username, password, hosts, path, target };
}
