import { isDeadlineError, withDeadline } from '../connection/deadline.js';
import type { ConnectionTimeouts } from '../connection/endpoints.js';
import type { ConnectionErrors } from '../connection/lifecycle.js';
import { RefCountedConnection } from '../connection/refCountedConnection.js';

/** A listener of raw pub/sub messages. */
type MessageListener = (message: string, channel: string) => void;

/** What a node-redis client or cluster client in subscriber mode offers. */
export interface PubSubClient {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  connect(): Promise<unknown>;
  sSubscribe(channel: string, listener: MessageListener): Promise<unknown>;
  sUnsubscribe(channel: string, listener: MessageListener): Promise<unknown>;
  subscribe(channel: string, listener: MessageListener): Promise<unknown>;
  unsubscribe(channel: string, listener: MessageListener): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

/** `sharded`: SSUBSCRIBE (a conversation's channel; on a cluster, the feed channels); `plain`: SUBSCRIBE (a key prefix's channel). */
export type ChannelKind = 'sharded' | 'plain';

/** One subscription of a hub: its channels and listener, kept to subscribe it again on a fresh connection. */
interface Subscription {
  readonly kind: ChannelKind;
  readonly channels: readonly string[];
  readonly listener: MessageListener;
}

/**
 * Runs one (un)subscribe per channel, all sent at once (node-redis pipelines them). One per channel: a cluster
 * client routes a sharded (un)subscribe by the slot of its first channel, so channels of different slots (the
 * store-wide feed, events/feedChannels.ts) must not share a command.
 */
const eachChannel = ({ channels }: Subscription, run: (channel: string) => Promise<unknown>): Promise<unknown> =>
  Promise.all(channels.map(run));
const subscribeOn = (client: PubSubClient, subscription: Subscription): Promise<unknown> =>
  eachChannel(subscription, (channel) =>
    subscription.kind === 'sharded' ? client.sSubscribe(channel, subscription.listener) : client.subscribe(channel, subscription.listener),
  );
const unsubscribeOn = (client: PubSubClient, subscription: Subscription): Promise<unknown> =>
  eachChannel(subscription, (channel) =>
    subscription.kind === 'sharded' ? client.sUnsubscribe(channel, subscription.listener) : client.unsubscribe(channel, subscription.listener),
  );

/** Longest pause between two attempts to restore the subscriptions of a torn-down connection. */
const MAX_RESTORE_DELAY_MS = 2000;

/**
 * One subscriber connection shared by many subscriptions. It opens with the
 * first subscription and closes when the last one ends. node-redis
 * resubscribes every channel by itself after a reconnect.
 *
 * Subscribing and unsubscribing settle within the command timeout (node-redis
 * gives pub/sub commands none); one that misses it tears the connection down,
 * and the hub subscribes every remaining subscription again on a fresh
 * connection (retrying while the server is unreachable), so that none of them
 * goes silent; what was published meanwhile is missed, which versions reveal
 * as a gap. (A subscription on a server that freezes later is not detected:
 * pub/sub sends nothing to wait for.)
 */
export class SubscriberHub {
  /** The subscriber connection, with one lease per active subscription. */
  private readonly shared: RefCountedConnection<PubSubClient>;
  private readonly active = new Set<Subscription>();
  private restoring = false;

  /**
   * @param createClient - Makes the (unconnected) subscriber connection.
   * @param timeouts - How long the connection may take, and each (un)subscribe.
   * @param onIdle - Called when the last subscription ends (to leave a registry).
   */
  constructor(
    createClient: () => PubSubClient,
    private readonly timeouts: ConnectionTimeouts,
    onIdle: () => void,
  ) {
    const create = (errors: ConnectionErrors): PubSubClient => {
      const client = createClient();
      client.on('error', errors.record);
      return client;
    };
    this.shared = new RefCountedConnection(create, timeouts, 'subscriber connection', onIdle);
  }

  /** Whether the subscriber connection is open or opening. */
  get isOpen(): boolean {
    return this.shared.isOpen;
  }

  /**
   * Subscribes `listener` to `channel` (or to each of several channels, as one subscription); returns the function
   * that ends this subscription.
   */
  async listen(kind: ChannelKind, channel: string | readonly string[], listener: MessageListener): Promise<() => Promise<void>> {
    const subscription: Subscription = { kind, channels: typeof channel === 'string' ? [channel] : [...channel], listener };
    this.active.add(subscription);
    this.shared.retain();
    try {
      const opening = this.shared.connected();
      await this.bounded(opening, opening.then((client) => subscribeOn(client, subscription)));
    } catch (error) {
      // Some channels of a failed subscription may have been subscribed: undo them, so its listener is not called.
      await this.end(subscription);
      throw error;
    }
    return () => this.end(subscription);
  }

  /** Ends one subscription: unsubscribes its channels, unless it was the last (closing the connection ends them). */
  private async end(subscription: Subscription): Promise<void> {
    if (!this.active.delete(subscription)) return;
    const opening = this.shared.current;
    if (this.active.size > 0 && opening) {
      await this.bounded(opening, opening.then((client) => unsubscribeOn(client, subscription))).catch(() => {});
    }
    await this.shared.release();
  }

  /** Closes the connection now, ending every subscription on it; within the command timeout, then by force. */
  async close(): Promise<void> {
    this.active.clear();
    await this.shared.end();
  }

  /** Bounds a command of the connection `opening` by the command timeout; a miss tears that connection down. */
  private async bounded<T>(opening: Promise<PubSubClient>, work: Promise<T>): Promise<T> {
    try {
      return await withDeadline(work, this.timeouts.commandTimeoutMs, 'subscriber connection');
    } catch (error) {
      if (isDeadlineError(error) && this.shared.drop(opening, `no reply within ${this.timeouts.commandTimeoutMs} ms`)) {
        void this.restore();
      }
      throw error;
    }
  }

  /** Subscribes every active subscription again on a fresh connection, retrying (with backoff) until it works or none is left. */
  private async restore(): Promise<void> {
    if (this.restoring) return;
    this.restoring = true;
    try {
      for (let attempt = 0; this.active.size > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, MAX_RESTORE_DELAY_MS)).unref());
        if (this.active.size === 0) return;
        const opening = this.shared.connected();
        try {
          for (const subscription of [...this.active]) {
            // Checked when the connection is there: a subscription may have ended (or failed) meanwhile.
            await this.bounded(opening, opening.then((client) => (this.active.has(subscription) ? subscribeOn(client, subscription) : undefined)));
          }
          return;
        } catch {
          // Unreachable or silent again: the connection was dropped (or never opened); try again.
        }
      }
    } finally {
      this.restoring = false;
    }
  }
}
