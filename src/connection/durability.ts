import { describe } from '../config/describeValue.js';
import { RedisSessionConfigError, RedisSessionDurabilityError } from '../errors.js';
import type { BoundedCommands, EvalArguments, RedisCommandTarget } from './commandTarget.js';

/** The `durability` option: how many replicas must confirm each write, and how long to wait for them. */
export interface DurabilityOptions {
  /** Replicas that must acknowledge every write (the first argument of `WAIT`). */
  replicas: number;
  /** How long to wait for them, in ms (the second argument of `WAIT`; 0 would wait forever and is refused). */
  timeoutMs: number;
}

const MAX_WAIT_MS = 60_000;

/** Checks the `durability` option; `undefined` means no confirmation is asked for. */
export function validateDurability(value: unknown): DurabilityOptions | undefined {
  if (value === undefined) return undefined;
  const { replicas, timeoutMs } = (value ?? {}) as Partial<DurabilityOptions>;
  if (
    value === null ||
    typeof value !== 'object' ||
    !Number.isInteger(replicas) ||
    replicas! < 1 ||
    replicas! > 100 ||
    !Number.isInteger(timeoutMs) ||
    timeoutMs! < 1 ||
    timeoutMs! > MAX_WAIT_MS
  ) {
    throw new RedisSessionConfigError(
      `durability must be { replicas, timeoutMs } with replicas a whole number from 1 to 100 and timeoutMs from 1 to ${MAX_WAIT_MS}; ` +
        `got ${describe(value)}. For example, durability: { replicas: 1, timeoutMs: 100 }.`,
    );
  }
  return { replicas: replicas!, timeoutMs: timeoutMs! };
}

/** Sends `WAIT replicas timeoutMs` on the connection that carried the write to `firstKey`; resolves with the count of acknowledging replicas. */
type WaitForReplicas = (firstKey: string, args: string[], timeoutMs: number) => Promise<unknown>;

/**
 * How to send WAIT through a node-redis object so that it runs on the
 * connection that carried the write: a cluster client routes by key to the
 * slot's master, a sentinel client (one master connection) and a single
 * client have one connection. A pool has several, so it gets none.
 */
function replicaWaiter(connection: object): WaitForReplicas | undefined {
  const candidate = connection as Record<string, unknown> & {
    sendCommand(...args: unknown[]): Promise<unknown>;
  };
  if (typeof candidate.sendCommand !== 'function') return undefined;
  if (typeof candidate.getSlotMaster === 'function') {
    return (firstKey, args, timeoutMs) => candidate.sendCommand(firstKey, false, args, { timeout: timeoutMs });
  }
  if (typeof candidate.getMasterNode === 'function') {
    return (_firstKey, args, timeoutMs) => candidate.sendCommand(false, args, { timeout: timeoutMs });
  }
  if ('totalClients' in candidate) return undefined;
  return (_firstKey, args, timeoutMs) => candidate.sendCommand(args, { timeout: timeoutMs });
}

/** Fails at construction when WAIT cannot confirm writes on this connection. */
export function assertDurabilitySupported(connection: object | undefined, poolSize: number): void {
  if (poolSize > 1 || (connection !== undefined && replicaWaiter(connection) === undefined)) {
    throw new RedisSessionConfigError(
      'durability cannot be used with a connection pool (max_connections > 1 or a client from createClientPool): ' +
        'WAIT confirms the writes of its own connection only. Use one connection, a cluster or a sentinel client.',
    );
  }
}

/**
 * The commands of {@link RedisCommandTarget} that write a conversation, with the first key of each call. (An owner
 * index's ZADD is not confirmed by WAIT: a lost index entry is listed again by the conversation's next write.)
 */
const WRITES: Record<string, (args: unknown[]) => string | undefined> = {
  evalSha: (args) => (args[1] as EvalArguments | undefined)?.keys[0],
  eval: (args) => (args[1] as EvalArguments | undefined)?.keys[0],
  del: (args) => (args[0] as string[] | undefined)?.[0],
};

/**
 * Wraps a command target so that every write is followed by
 * `WAIT replicas timeoutMs` on the same connection, and fails with
 * {@link RedisSessionDurabilityError} when fewer replicas confirm it in time.
 * Other commands pass through unchanged. WAIT is routed through the target's
 * node-redis object and bounded like its commands, with `commandTimeoutMs`
 * added to WAIT's own wait.
 */
export function withDurability(target: BoundedCommands, durability: DurabilityOptions, commandTimeoutMs: number): RedisCommandTarget {
  const waitFor = replicaWaiter(target.connection);
  if (!waitFor) throw new RedisSessionConfigError('durability needs a single connection, a cluster or a sentinel client.');
  const args = ['WAIT', String(durability.replicas), String(durability.timeoutMs)];
  const waitMs = durability.timeoutMs + commandTimeoutMs;
  const confirm = async (firstKey: string | undefined): Promise<void> => {
    const acknowledged = Number(await target.bound(waitFor(firstKey ?? '', args, waitMs), waitMs));
    if (!(acknowledged >= durability.replicas)) {
      throw new RedisSessionDurabilityError(acknowledged, durability.replicas, durability.timeoutMs);
    }
  };
  return new Proxy(target as RedisCommandTarget, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'withCommandOptions') {
        return (options: { timeout?: number }) => withDurability(value.call(object, options) as BoundedCommands, durability, commandTimeoutMs);
      }
      const firstKeyOf = typeof property === 'string' && Object.hasOwn(WRITES, property) ? WRITES[property] : undefined;
      if (!firstKeyOf) return value.bind(object);
      return async (...callArgs: unknown[]) => {
        const result: unknown = await value.apply(object, callArgs);
        await confirm(firstKeyOf(callArgs));
        return result;
      };
    },
  });
}
