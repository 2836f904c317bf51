import type { ConnectionTimeouts } from '../connection/endpoints.js';
import { isDeadlineError, withDeadline } from '../connection/deadline.js';
import { closeGracefully, connectWithin, ConnectionErrors } from '../connection/lifecycle.js';

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

/** `sharded`: SSUBSCRIBE (a conversation's channel); `plain`: SUBSCRIBE (a key prefix's channel). */
export type ChannelKind = 'sharded' | 'plain';

/** One subscription of a hub: its channel and listener, kept to subscribe it again on a fresh connection. */
interface Subscription {
  readonly kind: ChannelKind;
  readonly channel: string;
  readonly listener: MessageListener;
}

const subscribeOn = (client: PubSubClient, { kind, channel, listener }: Subscription): Promise<unknown> =>
  kind === 'sharded' ? client.sSubscribe(channel, listener) : client.subscribe(channel, listener);
const unsubscribeOn = (client: PubSubClient, { kind, channel, listener }: Subscription): Promise<unknown> =>
  kind === 'sharded' ? client.sUnsubscribe(channel, listener) : client.unsubscribe(channel, listener);

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
  private opening: Promise<PubSubClient> | undefined;
  private readonly active = new Set<Subscription>();
  private restoring = false;
  private errors = new ConnectionErrors();

  /**
   * @param createClient - Makes the (unconnected) subscriber connection.
   * @param timeouts - How long the connection may take, and each (un)subscribe.
   * @param onIdle - Called when the last subscription ends (to leave a registry).
   */
  constructor(
    private readonly createClient: () => PubSubClient,
    private readonly timeouts: ConnectionTimeouts,
    private readonly onIdle: () => void,
  ) {}

  /** Whether the subscriber connection is open or opening. */
  get isOpen(): boolean {
    return this.opening !== undefined;
  }

  /** Subscribes `listener` to `channel`; returns the function that ends this subscription. */
  async listen(kind: ChannelKind, channel: string, listener: MessageListener): Promise<() => Promise<void>> {
    const subscription: Subscription = { kind, channel, listener };
    this.active.add(subscription);
    try {
      const opening = this.connected();
      await this.bounded(opening, opening.then((client) => subscribeOn(client, subscription)));
    } catch (error) {
      this.active.delete(subscription);
      await this.closeIfIdle();
      throw error;
    }
    return async () => {
      if (!this.active.delete(subscription)) return;
      // The last subscription closes the connection, which ends its subscriptions anyway.
      const opening = this.opening;
      if (this.active.size > 0 && opening) {
        await this.bounded(opening, opening.then((client) => unsubscribeOn(client, subscription))).catch(() => {});
      }
      await this.closeIfIdle();
    };
  }

  /** Closes the connection now, ending every subscription on it; within the command timeout, then by force. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    this.active.clear();
    await closeGracefully(opening, this.timeouts.commandTimeoutMs);
  }

  /** Bounds a command of the connection `opening` by the command timeout; a miss tears that connection down. */
  private async bounded<T>(opening: Promise<PubSubClient>, work: Promise<T>): Promise<T> {
    try {
      return await withDeadline(work, this.timeouts.commandTimeoutMs, 'subscriber connection');
    } catch (error) {
      if (isDeadlineError(error) && this.opening === opening) {
        this.opening = undefined;
        void opening.then((client) => client.destroy(), () => {});
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
        const opening = this.connected();
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

  private async closeIfIdle(): Promise<void> {
    if (this.active.size === 0) {
      this.onIdle();
      await this.close();
    }
  }

  private connected(): Promise<PubSubClient> {
    if (!this.opening) {
      const opening = this.open();
      this.opening = opening;
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    }
    return this.opening;
  }

  private async open(): Promise<PubSubClient> {
    const client = this.createClient();
    this.errors = new ConnectionErrors();
    client.on('error', this.errors.record);
    return connectWithin(client, this.timeouts.connectTimeoutMs, 'subscriber connection', this.errors);
  }
}
