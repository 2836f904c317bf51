import type { RedisCommandTarget } from '../connection/commandTarget.js';
import type { ConnectionEndpoint } from '../connection/endpoints.js';
import type { ConnectionTimeouts } from '../connection/sharedConnections.js';
import { RedisSessionConfigError } from '../errors.js';
import { SubscriberHub, type PubSubClient } from './subscriberHub.js';

/** Where subscriptions connect: the connection a session or watcher sends its commands on. */
export interface SubscriberSource {
  /** The connected command target (a node-redis client, pool or cluster client). */
  readonly commands: RedisCommandTarget;
  /**
   * Where the connection goes when the package opened it (from a URL, cluster or sentinel options): its
   * subscriber connection is shared by the process. `undefined` for a `client` the caller passed in.
   */
  readonly endpoint: ConnectionEndpoint | undefined;
  readonly timeouts: ConnectionTimeouts;
}

/** Subscriber connections of URL connections, one per shared command connection (that is, per URL and timeouts). */
const sharedHubs = new Map<object, SubscriberHub>();

/**
 * The subscriber connection for `source`: for a connection opened from a URL,
 * the one shared by the whole process; for a caller's client, a new one (a
 * duplicate of that client) that the caller owns.
 */
export function subscriberHub(source: SubscriberSource): SubscriberHub {
  const create = subscriberFactory(source);
  if (!source.endpoint) return new SubscriberHub(create, source.timeouts.connectTimeoutMs, () => {});
  let hub = sharedHubs.get(source.commands);
  if (!hub) {
    const created: SubscriberHub = new SubscriberHub(create, source.timeouts.connectTimeoutMs, () => {
      if (sharedHubs.get(source.commands) === created) sharedHubs.delete(source.commands);
    });
    hub = created;
    sharedHubs.set(source.commands, hub);
  }
  return hub;
}

/** Closes the subscriber connections that sessions opened from a URL, ending their subscriptions. */
export async function closeSharedSubscribers(): Promise<void> {
  const hubs = [...sharedHubs.values()];
  sharedHubs.clear();
  await Promise.all(hubs.map((hub) => hub.close()));
}

/** How many subscriber connections opened from a URL are open in this process (for diagnostics and tests). */
export function subscriberConnectionCount(): number {
  return [...sharedHubs.values()].filter((hub) => hub.isOpen).length;
}

function subscriberFactory(source: SubscriberSource): () => PubSubClient {
  const commands = source.commands as unknown as { duplicate?: () => PubSubClient };
  // A client or cluster client: a duplicate has the same servers, credentials and options.
  if (typeof commands.duplicate === 'function') return () => commands.duplicate!();
  const createSubscriber = source.endpoint?.createSubscriber;
  // A pool: subscribe on one client of its own, to the same server with the same options.
  if (createSubscriber) return () => createSubscriber(source.timeouts) as PubSubClient;
  throw new RedisSessionConfigError(
    'Subscribing needs a node-redis client or cluster client: a client pool cannot be duplicated into a subscriber. ' +
      'Pass a client from createClient or createCluster, or a redisUrl.',
  );
}
