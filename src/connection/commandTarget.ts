import type { RedisClientPoolType, RedisClientType, RedisClusterType } from 'redis';
import { isDeadlineError, withDeadline } from './deadline.js';

/** Keys and arguments of an `EVAL`/`EVALSHA` call. */
export interface EvalArguments {
  keys: string[];
  arguments: string[];
}

/**
 * The few commands a session sends. A node-redis client, client pool and
 * cluster client all provide them with these shapes, so one code path serves
 * all three; the cluster client routes each call by its first key.
 */
export interface RedisCommandTarget {
  evalSha(sha1: string, options: EvalArguments): Promise<unknown>;
  eval(script: string, options: EvalArguments): Promise<unknown>;
  lRange(key: string, start: number, stop: number): Promise<string[]>;
  zScore(key: string, member: string): Promise<number | null>;
  zAdd(key: string, member: { score: number; value: string }, options: { comparison: 'GT' }): Promise<number>;
  del(keys: string[]): Promise<number>;
  withCommandOptions(options: { timeout?: number }): RedisCommandTarget;
}

/**
 * Any node-redis connection a caller may hand to `RedisSession` through its
 * `client` option: a client from `createClient`, a pool from
 * `createClientPool`, or a cluster client from `createCluster`, with any
 * modules, scripts or RESP version.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export type RedisConnection =
  | RedisClientType<any, any, any, any, any>
  | RedisClientPoolType<any, any, any, any, any>
  | RedisClusterType<any, any, any, any, any>
  // RedisClusterType's type parameters are invariant (through `_handleAsk`), so a cluster client
  // held in a variable matches no instantiation of it; it matches by the commands a session sends.
  | RedisCommandTarget;
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * A command target whose every call settles within `timeoutMs`, even when the
 * server stops answering: node-redis drops its own per-command timeout once a
 * command is written to the socket. A missed deadline calls `onMissed` (which
 * tears down a connection the package owns) and rejects with a
 * `DeadlineError`. One object per connection; no allocation but the
 * deadline's own per call.
 */
export class BoundedCommands implements RedisCommandTarget {
  /**
   * @param inner - The node-redis object (or a view of it with command options) that sends the commands.
   * @param connection - The node-redis object itself: it routes WAIT, is duplicated for subscribing and keys sharing.
   * @param timeoutMs - The deadline of every call.
   * @param onMissed - Called when a call misses its deadline.
   */
  constructor(
    private readonly inner: RedisCommandTarget,
    readonly connection: object,
    readonly timeoutMs: number,
    readonly onMissed: () => void = () => {},
  ) {}

  evalSha(sha1: string, options: EvalArguments): Promise<unknown> {
    return this.bound(this.inner.evalSha(sha1, options));
  }

  eval(script: string, options: EvalArguments): Promise<unknown> {
    return this.bound(this.inner.eval(script, options));
  }

  lRange(key: string, start: number, stop: number): Promise<string[]> {
    return this.bound(this.inner.lRange(key, start, stop));
  }

  zScore(key: string, member: string): Promise<number | null> {
    return this.bound(this.inner.zScore(key, member));
  }

  zAdd(key: string, member: { score: number; value: string }, options: { comparison: 'GT' }): Promise<number> {
    return this.bound(this.inner.zAdd(key, member, options));
  }

  del(keys: string[]): Promise<number> {
    return this.bound(this.inner.del(keys));
  }

  withCommandOptions(options: { timeout?: number }): BoundedCommands {
    return new BoundedCommands(this.inner.withCommandOptions(options), this.connection, options.timeout ?? this.timeoutMs, this.onMissed);
  }

  /** Bounds any promise of this connection by the deadline, with the same teardown on a miss. */
  bound<T>(work: Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    return withDeadline(work, timeoutMs).catch((error: unknown) => {
      if (isDeadlineError(error)) this.onMissed();
      throw error;
    });
  }
}

/**
 * Views a caller's node-redis connection through the commands a session
 * uses, each bounded by `timeoutMs` (node-redis's own timeout covers only the
 * wait before a command is written). The caller's object is not changed, and a
 * missed deadline only fails the call: the caller's connection is never torn down.
 */
export function asCommandTarget(connection: RedisConnection, timeoutMs: number): BoundedCommands {
  const target = connection as unknown as RedisCommandTarget;
  if (typeof target.evalSha !== 'function' || typeof target.withCommandOptions !== 'function') {
    throw new TypeError('not a node-redis client');
  }
  return new BoundedCommands(target.withCommandOptions({ timeout: timeoutMs }), connection, timeoutMs);
}

/** The node-redis object under a command target (a {@link BoundedCommands}, or a durable view of one): to duplicate for subscribing. */
export function connectionOf(target: RedisCommandTarget): object {
  return (target as { connection?: object }).connection ?? target;
}
