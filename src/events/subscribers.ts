import type { ConnectionEndpoint, ConnectionTimeouts } from '../connection/endpoints.js';
import { processWide } from '../connection/globalRegistry.js';
import { registryEntry } from '../connection/refCountedConnection.js';
import { RedisSessionConfigError } from '../errors.js';
import { SubscriberHub, type PubSubClient } from './subscriberHub.js';

/** Where subscriptions connect: the connection a session or watcher sends its commands on. */
export interface SubscriberSource {
  /**
   * Identifies the underlying connection: subscriptions with the same key share one subscriber connection.
   * The shared connection of a URL, or the node-redis object the caller passed in.
   */
  readonly key: object;
  /** The node-redis client, pool or cluster client that carries the commands (duplicated for subscribing). */
  readonly connection: object;
  /**
   * Where the connection goes when the package opened it (from a URL, cluster or sentinel options); `undefined`
   * for a `client` the caller passed in, whose subscriber connection `closeSharedConnections()` leaves alone.
   */
  readonly endpoint: ConnectionEndpoint | undefined;
  readonly timeouts: ConnectionTimeouts;
}

/**
 * Subscriber connections of every copy of this package in the process: of URL connections (closed by
 * `closeSharedConnections`), and of clients passed in, by client (forgotten with the client). Every copy uses
 * the hubs any copy made, so their methods (`isOpen` included) are part of the registry's version.
 */
const hubs = processWide('subscriberHubs', () => ({
  shared: new Map<object, SubscriberHub>(),
  borrowed: new WeakMap<object, SubscriberHub>(),
}));

/**
 * The subscriber connection for `source`, shared by every subscription on the same underlying
 * connection (one per URL and timeouts, or one per client passed in, whatever the session's
 * `durability`). It closes when its last subscription ends.
 */
export function subscriberHub(source: SubscriberSource): SubscriberHub {
  const registry = source.endpoint ? hubs.shared : hubs.borrowed;
  return registryEntry(registry, source.key, (forget) => new SubscriberHub(subscriberFactory(source), source.timeouts, forget));
}

/** Closes the subscriber connections that sessions opened from a URL, ending their subscriptions. */
export async function closeSharedSubscribers(): Promise<void> {
  const open = [...hubs.shared.values()];
  hubs.shared.clear();
  await Promise.all(open.map((hub) => hub.close()));
}

function subscriberFactory(source: SubscriberSource): () => PubSubClient {
  const connection = source.connection as { duplicate?: () => PubSubClient };
  // A client or cluster client: a duplicate has the same servers, credentials and options.
  if (typeof connection.duplicate === 'function') return () => connection.duplicate!();
  const createSubscriber = source.endpoint?.createSubscriber;
  // A pool: subscribe on one client of its own, to the same server with the same options.
  if (createSubscriber) return () => createSubscriber(source.timeouts) as PubSubClient;
  throw new RedisSessionConfigError(
    'Subscribing needs a node-redis client or cluster client: a client pool cannot be duplicated into a subscriber. ' +
      'Pass a client from createClient or createCluster, or a redisUrl.',
  );
}
