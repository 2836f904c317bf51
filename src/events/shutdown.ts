import { closeCommandConnections } from '../connection/sharedConnections.js';
import { closeSharedSubscribers } from './subscribers.js';

/**
 * Closes every connection that sessions of this process opened from a URL
 * (never a client you passed in): command connections and subscriber
 * connections, which ends their subscriptions. Sessions still alive
 * reconnect on their next operation. Call it on shutdown, or after tests.
 */
export async function closeSharedConnections(): Promise<void> {
  await closeSharedSubscribers();
  await closeCommandConnections();
}
