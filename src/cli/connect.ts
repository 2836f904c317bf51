import { readFileSync } from 'node:fs';
import { validateTls } from '../connection/tls.js';
import { isMultiHostUrl, parseMultiHostUrl, parseRedisUrl, redactRedisUrl, resolveRedisUrl } from '../connection/redisUrl.js';
import type { RedisConnection } from '../connection/commandTarget.js';
import { endpointFromUrl, type ConnectionEndpoint, type OwnedConnection } from '../connection/endpoints.js';
import { ConnectFailedError, describeCause } from '../connection/errorMapping.js';
import { isDeadlineError, withDeadline } from '../connection/deadline.js';
import { closeGracefully, connectWithin, ConnectionErrors } from '../connection/lifecycle.js';
import { RedisSessionError } from '../errors.js';
import { CliError, EXIT } from './cliError.js';

/** The global options that say where to connect. */
export interface ConnectOptions {
  url?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  connectTimeout?: number;
}

/** SCAN options, as node-redis takes them. */
export interface ScanOptions {
  MATCH: string;
  TYPE?: string;
  COUNT?: number;
}

/** One Redis server holding keys: the server itself, a cluster master, or the master found through Sentinel. */
export interface ServerNode {
  /** host:port, for output (no credentials). */
  readonly address: string;
  /** Sends any command to this server. */
  command(args: string[]): Promise<unknown>;
  /** SCAN over this server's keys, in batches. */
  scan(options: ScanOptions): AsyncIterable<string[]>;
}

/** A MULTI transaction with the commands the CLI reads in one snapshot. */
export interface ReadMulti {
  lLen(key: string): ReadMulti;
  pTTL(key: string): ReadMulti;
  lRange(key: string, start: number, stop: number): ReadMulti;
  hGetAll(key: string): ReadMulti;
  ttl(key: string): ReadMulti;
  exec(): Promise<unknown[]>;
}

/** The key commands the CLI sends; a cluster client routes each by its key. */
export interface KeyCommands {
  type(key: string): Promise<string>;
  exists(keys: string[]): Promise<number>;
  lLen(key: string): Promise<number>;
  lRange(key: string, start: number, stop: number): Promise<string[]>;
  hGetAll(key: string): Promise<Record<string, string>>;
  hGet(key: string, field: string): Promise<string | null>;
  ttl(key: string): Promise<number>;
  memoryUsage(key: string): Promise<number | null>;
  multi(): ReadMulti;
}

/** An open connection of the CLI. */
export interface CliConnection {
  /** `standalone`, `cluster` (redis+cluster://) or `sentinel` (redis+sentinel://). */
  readonly kind: 'standalone' | 'cluster' | 'sentinel';
  /** Where it is connected, with the password replaced by `***`. */
  readonly target: string;
  /** Host names of the URL and whether it uses TLS, for `doctor`. */
  readonly hosts: readonly string[];
  readonly tls: boolean;
  /** Commands on one key (routed by key on a cluster). */
  readonly keys: KeyCommands;
  /** The node-redis object, to hand to the package's own API (RedisSession, watchConversations) as `client`. */
  readonly client: RedisConnection;
  /** Every server that holds keys: one, or every master of a cluster. */
  servers(): Promise<ServerNode[]>;
  close(): Promise<void>;
}

/** Default connect timeout of the CLI, in ms: an unreachable server fails fast. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** TLS file options read from disk; `undefined` when none is given. */
export function readTlsFiles(options: ConnectOptions): { ca?: string; cert?: string; key?: string } | undefined {
  const read = (file: string | undefined, what: string): string | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read the ${what} file ${file}: ${describeCause(error)}`, EXIT.usage);
    }
  };
  if (options.tlsCa === undefined && options.tlsCert === undefined && options.tlsKey === undefined) return undefined;
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new CliError('--tls-cert and --tls-key go together: pass both for a client certificate, or neither.', EXIT.usage);
  }
  return { ca: read(options.tlsCa, '--tls-ca'), cert: read(options.tlsCert, '--tls-cert'), key: read(options.tlsKey, '--tls-key') };
}

/** The endpoint of a URL, with the TLS files applied (checked by the same validation as the `tls` option). */
function endpointFor(url: string, tls: ReturnType<typeof readTlsFiles>): ConnectionEndpoint {
  return endpointFromUrl(url, validateTls(tls));
}

/** Connects to the URL of the global options (else REDIS_URL, else redis://localhost:6379/0), within the connect timeout. */
export async function connect(options: ConnectOptions): Promise<CliConnection> {
  const url = resolveRedisUrl(options.url);
  const tlsFiles = readTlsFiles(options);
  let endpoint: ConnectionEndpoint;
  try {
    endpoint = endpointFor(url, tlsFiles);
  } catch (error) {
    if (error instanceof RedisSessionError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
  const timeoutMs = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const commandTimeoutMs = Math.max(timeoutMs, 5000);
  // Records the last error, and gives up at a refused password instead of at the timeout.
  const errors = new ConnectionErrors();
  const owned = endpoint.create({ connectTimeoutMs: timeoutMs, commandTimeoutMs }, errors.record);
  try {
    await connectWithin(owned, timeoutMs, 'connection', errors);
  } catch (error) {
    const detail = error instanceof ConnectFailedError ? error.message : describeCause(error);
    throw new CliError(
      `cannot connect to Redis at ${endpoint.target}: ${detail.replace(/\.$/, '')}. Check that the server is running and that the URL, ` +
        'password and TLS settings are right.',
      EXIT.redis,
    );
  }
  return describeConnection(url, endpoint, owned, commandTimeoutMs);
}

function describeConnection(url: string, endpoint: ConnectionEndpoint, owned: OwnedConnection, commandTimeoutMs: number): CliConnection {
  const multi = isMultiHostUrl(url) ? parseMultiHostUrl(url) : undefined;
  const kind = multi === undefined ? 'standalone' : multi.scheme === 'redis+cluster' ? 'cluster' : 'sentinel';
  const single = multi === undefined ? new URL(parseRedisUrl(url).connectionUrl) : undefined;
  const hosts = multi ? multi.hosts.map((host) => host.host) : [single!.hostname.replace(/^\[|\]$/g, '')];
  let missed = false;
  const bound = <T>(work: Promise<T>): Promise<T> =>
    withDeadline(work, commandTimeoutMs).catch((error: unknown) => {
      if (!isDeadlineError(error)) throw error;
      // The server stopped answering: drop the socket now, so that closing does not wait for it too.
      missed = true;
      owned.destroy();
      throw new CliError(
        `Redis at ${endpoint.target} did not answer within ${commandTimeoutMs} ms (server frozen, overloaded or unreachable). ` +
          'A write in progress may or may not have been applied.',
        EXIT.redis,
      );
    });
  const connection = boundedCalls(owned.target, bound);
  // Server commands go through `bound` themselves: they use the node-redis object directly.
  const raw = owned.target as unknown;
  const client = raw as NodeClient;
  return {
    kind,
    target: multi ? multi.target : redactRedisUrl(url),
    hosts,
    tls: single?.protocol === 'rediss:',
    keys: connection as KeyCommands,
    client: connection as RedisConnection,
    servers: async () => {
      if (kind === 'standalone') return [serverNode(hosts[0]!, single!.port || '6379', client, bound)];
      if (kind === 'sentinel') {
        const sentinel = raw as SentinelClient;
        return [
          {
            address: 'master of ' + endpoint.target,
            command: (args) => bound(sentinel.sendCommand(false, args)),
            scan: (options) => boundedIterable(sentinel.scanIterator(options), bound),
          },
        ];
      }
      const cluster = raw as ClusterClient;
      return Promise.all(
        cluster.masters.map(async (master) => serverNode(master.host, String(master.port), await bound(cluster.nodeClient(master)), bound)),
      );
    },
    close: async () => {
      if (missed) return; // already destroyed
      await closeGracefully(Promise.resolve(owned), commandTimeoutMs);
    },
  };
}

interface NodeClient {
  sendCommand(args: string[]): Promise<unknown>;
  scanIterator(options: ScanOptions): AsyncIterable<string[]>;
}
interface SentinelClient {
  sendCommand(isReadonly: boolean, args: string[]): Promise<unknown>;
  scanIterator(options: ScanOptions): AsyncIterable<string[]>;
}
interface ClusterClient {
  readonly masters: { host: string; port: number }[];
  nodeClient(master: { host: string; port: number }): Promise<NodeClient>;
}

type Bound = <T>(work: Promise<T>) => Promise<T>;

function serverNode(host: string, port: string, client: NodeClient, bound: Bound): ServerNode {
  return {
    address: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    command: (args) => bound(client.sendCommand(args)),
    scan: (options) => boundedIterable(client.scanIterator(options), bound),
  };
}

/** An async iterable whose every step settles within the deadline of `bound`. */
function boundedIterable<T>(iterable: AsyncIterable<T>, bound: Bound): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => {
      const iterator = iterable[Symbol.asyncIterator]();
      return {
        next: () => bound(iterator.next()),
        return: async (value?: unknown) => (iterator.return ? iterator.return(value) : { done: true, value: undefined }) as IteratorResult<T>,
      };
    },
  };
}

/** Methods whose promises are the connection's life cycle, not commands: left unbounded (close has its own bound). */
const LIFE_CYCLE = new Set<PropertyKey>(['connect', 'close', 'quit', 'disconnect', 'destroy']);

/**
 * A view of a node-redis object in which every call that returns a promise
 * (a command), every step of an async iterator (SCAN) and `exec()` of a MULTI
 * settles within the deadline of `bound`. Other calls (`duplicate`,
 * `withCommandOptions`, `on`, ...) pass through, so the view can be handed to
 * `RedisSession` and `watchConversations` as their `client`.
 */
function boundedCalls(raw: object, bound: Bound): object {
  const view: object = new Proxy(raw, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (LIFE_CYCLE.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (result === target) return view;
        if (result instanceof Promise) return bound(result);
        if (result === null || typeof result !== 'object') return result;
        if (property === 'multi') return boundedCalls(result, bound);
        if (Symbol.asyncIterator in result) return boundedIterable(result as AsyncIterable<unknown>, bound);
        return result;
      };
    },
  });
  return view;
}
