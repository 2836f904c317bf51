import { randomUUID } from 'node:crypto';
import type { AgentInputItem } from '@openai/agents';
import type { RedisCommandTarget } from '../connection/commandTarget.js';
import { validateConversationId } from '../config/keys.js';
import { RedisSessionConfigError, RedisSessionConflictError, RedisSessionInputError } from '../errors.js';
import { scripts, type ScriptContext } from '../scripts/index.js';
import type { ItemCodec } from '../serialization/itemCodec.js';

/** What `fork` copies, and where to. */
export interface ForkOptions {
  /** The copy's conversation id; default a new random UUID. It must not exist yet. */
  conversationId?: string;
  /**
   * How many of the oldest items to copy: the index (0-based, from the oldest item the history holds now)
   * the copy stops before. Default: all. 0 copies none (the copy keeps only the title, metadata and lineage).
   */
  upTo?: number;
}

/** The checked options of `fork`. */
export interface ForkRequest {
  readonly conversationId: string;
  readonly upTo: number | undefined;
}

/** One end of a fork: a conversation, its script context and codec, and how to run commands on it. */
export interface ForkEnd {
  readonly conversationId: string;
  readonly context: ScriptContext;
  readonly codec: ItemCodec;
  /** The session's owner, '' for none. */
  readonly owner: string;
  /** Runs a read as the session's `execute` does (bounded, errors mapped). */
  read<T>(operation: string, command: (redis: RedisCommandTarget) => Promise<T>): Promise<T>;
  /** Runs the write of the copy, the operation 'fork', with its owner index `add` alongside (one round trip) when it has an owner. */
  write<T>(command: (redis: RedisCommandTarget) => Promise<T>): Promise<T>;
}

/**
 * Checks the options of `fork` of conversation `sourceId`.
 *
 * @throws {RedisSessionInputError} when they are malformed, `upTo` is not a non-negative integer, or the copy's
 * id is invalid or the source's own.
 */
export function forkRequest(options: unknown, sourceId: string): ForkRequest {
  if (options === undefined) return { conversationId: randomUUID(), upTo: undefined };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new RedisSessionInputError('fork expects an object such as { upTo: 10 } or { conversationId: "copy-1" }, or nothing. Nothing was written.');
  }
  const unknown = Object.keys(options).filter((key) => key !== 'conversationId' && key !== 'upTo');
  if (unknown.length > 0) {
    throw new RedisSessionInputError(`fork takes conversationId and upTo; got ${unknown.map((key) => JSON.stringify(key)).join(', ')}. Nothing was written.`);
  }
  const { conversationId, upTo } = options as { conversationId?: unknown; upTo?: unknown };
  if (upTo !== undefined && (typeof upTo !== 'number' || !Number.isSafeInteger(upTo) || upTo < 0)) {
    throw new RedisSessionInputError(
      `fork: upTo must be a non-negative integer (how many of the oldest items to copy); got ${typeof upTo === 'number' ? upTo : typeof upTo}. Nothing was written.`,
    );
  }
  let id: string;
  try {
    id = conversationId === undefined ? randomUUID() : validateConversationId(conversationId);
  } catch (error) {
    if (!(error instanceof RedisSessionConfigError)) throw error;
    throw new RedisSessionInputError(`fork: ${error.message} Nothing was written.`);
  }
  if (id === sourceId) {
    throw new RedisSessionInputError(`fork: the copy needs another conversation id than its source (${sourceId}). Nothing was written.`);
  }
  return { conversationId: id, upTo };
}

/**
 * Copies the first `upTo` items of `source` (all when `undefined`), its title and metadata into the new
 * conversation `copy`, recording the source as its parent. Two round trips: one consistent read on the
 * source's slot (lua/forkSource-2.lua), one atomic write on the copy's (lua/createFork-2.lua), so that the two
 * may live on different cluster shards. Items are decoded with the source's codec and encoded with the copy's
 * (an encrypted entry is bound to its conversation id); entries that are not valid items are skipped, with `warn`.
 *
 * @throws {RedisSessionInputError} when `upTo` is past the end of the history (nothing is written).
 * @throws {RedisSessionConflictError} when the copy already exists, or the source belongs to another owner than
 * the session's (nothing is written).
 * @throws {RedisSessionLimitError} when the copy would exceed maxItems with overflow 'reject' (nothing is written).
 */
export async function forkConversation(source: ForkEnd, copy: ForkEnd, upTo: number | undefined, warn: (message: string) => void): Promise<void> {
  const snapshot = await source.read('fork (reading the source)', (redis) => scripts.forkSource.run(redis, source.context, upTo));
  if (snapshot.owner !== null && snapshot.owner !== source.owner) {
    throw new RedisSessionConflictError(
      `RedisSession.fork refused: conversation ${source.context.keys.items} belongs to ` +
        `${source.owner === '' ? 'an owner, and this session has none' : 'another owner than this session'}. Nothing was written. ` +
        'Fork it with a session opened with the owner it belongs to.',
    );
  }
  const decoded = snapshot.entries.map((entry) => source.codec.decode(entry));
  const items = decoded.filter((item): item is AgentInputItem => item !== undefined);
  if (items.length < decoded.length) {
    const skipped = decoded.length - items.length;
    warn(`RedisSession: fork skipped ${skipped} stored entr${skipped === 1 ? 'y' : 'ies'} of ${source.context.keys.items} that are not valid items.`);
  }
  const entries = copy.codec.encode(items);
  await copy.write((redis) =>
    scripts.createFork.run(redis, copy.context, {
      parentId: source.conversationId,
      upTo: upTo ?? snapshot.length,
      title: snapshot.title,
      metadataJson: snapshot.metadataJson,
      entries,
    }),
  );
}
