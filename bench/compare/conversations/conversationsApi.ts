/**
 * `RedisConversations` as the benchmark uses it (the API contract of issue 11), loaded from the build
 * in dist/ at run time.
 *
 * TODO(merge): while dist/ does not export `RedisConversations` yet (it is being written on another
 * branch), a stand-in takes its place, reading the owner index the way the contract describes it
 * (ZREVRANGE of the owner's sorted set, then each conversation's info, pipelined). Its timings are
 * NOT the package's: the report says which one ran. Drop the stand-in after the merge.
 */
import { createClient } from 'redis';
import * as library from '../../../dist/index.js';
import type { ConversationInfo } from '../../../dist/index.js';

export interface ConversationPage {
  conversations: ConversationInfo[];
  cursor: string | null;
}

/** The part of `RedisConversations` the benchmark calls. */
export interface ConversationsApi {
  list(options: { owner: string; limit?: number; cursor?: string }): Promise<ConversationPage>;
  count(options: { owner: string }): Promise<number>;
  close(): Promise<void>;
}

type ConversationsConstructor = new (options: { redisUrl: string; keyPrefix: string }) => ConversationsApi;

/** True when the build exports `RedisConversations` (false: the stand-in runs). */
export function packageHasConversations(): boolean {
  return typeof (library as Record<string, unknown>).RedisConversations === 'function';
}

/** The owner index's key, as src/config/keys.ts `ownerIndexKey` builds it (not exported by the package). */
export function ownerIndexKey(keyPrefix: string, owner: string): string {
  return `${keyPrefix}__owner__:{${owner}}`;
}

/** The metadata hash of a conversation, as src/config/keys.ts builds it. */
export function metaKey(keyPrefix: string, conversationId: string): string {
  return `{${keyPrefix}${conversationId}}:meta`;
}

export async function openConversations(redisUrl: string, keyPrefix: string): Promise<ConversationsApi> {
  const Real = (library as Record<string, unknown>).RedisConversations as ConversationsConstructor | undefined;
  if (typeof Real === 'function') return new Real({ redisUrl, keyPrefix });
  return standIn(redisUrl, keyPrefix);
}

// TODO(merge): the stand-in, until dist/ exports RedisConversations.
async function standIn(url: string, keyPrefix: string): Promise<ConversationsApi> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  const info = async (conversationId: string, owner: string): Promise<ConversationInfo> => {
    const [fields, length, pttl] = await Promise.all([
      client.hmGet(metaKey(keyPrefix, conversationId), ['c', 'u', 'o', 'ti', 'm']),
      client.lLen(keyPrefix + conversationId),
      client.pTTL(keyPrefix + conversationId),
    ]);
    const number = (value: unknown): number | null => (typeof value === 'string' ? Number(value) : null);
    return {
      conversationId,
      owner: typeof fields[2] === 'string' ? fields[2] : owner,
      title: typeof fields[3] === 'string' ? fields[3] : null,
      metadata: typeof fields[4] === 'string' ? JSON.parse(fields[4]) : {},
      createdAt: number(fields[0]),
      updatedAt: number(fields[1]),
      itemCount: length,
      ttl: pttl >= 0 ? Math.ceil(pttl / 1000) : null,
      parent: null,
      usage: { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, inputTokensDetails: {}, outputTokensDetails: {} },
    };
  };
  return {
    async list({ owner, limit = 20, cursor }) {
      const offset = cursor ? Number(cursor) : 0;
      const ids = await client.zRange(ownerIndexKey(keyPrefix, owner), offset, offset + limit - 1, { REV: true });
      const conversations = await Promise.all(ids.map((id) => info(id, owner)));
      return { conversations, cursor: ids.length === limit ? String(offset + limit) : null };
    },
    count: ({ owner }) => client.zCard(ownerIndexKey(keyPrefix, owner)),
    async close() {
      await client.close();
    },
  };
}
