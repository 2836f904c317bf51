import type { RedisClientPoolType, RedisClientType, RedisClusterType } from 'redis';

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
  rPop(key: string): Promise<string | null>;
  rPush(key: string, elements: string[]): Promise<number>;
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
 * Views a caller's node-redis connection through the commands a session
 * uses, with a per-command timeout. The caller's own object is not changed.
 */
export function asCommandTarget(connection: RedisConnection, timeoutMs: number): RedisCommandTarget {
  const target = connection as unknown as RedisCommandTarget;
  if (typeof target.evalSha !== 'function' || typeof target.withCommandOptions !== 'function') {
    throw new TypeError('not a node-redis client');
  }
  return target.withCommandOptions({ timeout: timeoutMs });
}
