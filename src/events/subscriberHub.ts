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

/**
 * One subscriber connection shared by many subscriptions. It opens with the
 * first subscription and closes when the last one ends. node-redis
 * resubscribes every channel by itself after a reconnect.
 *
 * Subscribing and unsubscribing settle within the command timeout (node-redis
 * gives pub/sub commands none); one that misses it tears the connection down,
 * so that the next subscription starts on a fresh one. (A subscription on a
 * server that freezes later is not detected: pub/sub sends nothing to wait for.)
 */
export class SubscriberHub {
  private opening: Promise<PubSubClient> | undefined;
  private subscriptions = 0;
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
    this.subscriptions++;
    let client: PubSubClient;
    try {
      const opening = this.connected();
      client = await opening;
      await this.bounded(opening, kind === 'sharded' ? client.sSubscribe(channel, listener) : client.subscribe(channel, listener));
    } catch (error) {
      await this.leave();
      throw error;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      // The last subscription closes the connection, which ends its subscriptions anyway.
      const opening = this.opening;
      if (this.subscriptions > 1 && opening) {
        const unsubscribed = kind === 'sharded' ? client.sUnsubscribe(channel, listener) : client.unsubscribe(channel, listener);
        await this.bounded(opening, unsubscribed).catch(() => {});
      }
      await this.leave();
    };
  }

  /** Closes the connection now, ending every subscription on it; within the command timeout, then by force. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    this.subscriptions = 0;
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
      }
      throw error;
    }
  }

  private async leave(): Promise<void> {
    this.subscriptions = Math.max(0, this.subscriptions - 1);
    if (this.subscriptions === 0) {
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
