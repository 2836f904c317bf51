/**
 * A conversation's info and usage as the CLI reads and shows them, and a RedisSession opened with the conversation's
 * stored owner for the commands that write through the package's API (`rename`, `fork`).
 */
import type { ConversationKeys } from '../config/keys.js';
import { conversationInfo, type ConversationInfo, type RawInfo } from '../conversations/info.js';
import { RedisSession } from '../RedisSession.js';
import { storedUsage } from '../usage/storedUsage.js';
import type { ConversationUsage, UsageTotals } from '../usage/usage.js';
import type { ConversationRun } from './context.js';
import type { CliConnection } from './connect.js';

/** What `show` reads of a conversation besides its items: `getInfo()` and `getUsage()`, from one snapshot. */
export interface ConversationDetails {
  /** As `getInfo()` returns it; `null` when neither key exists. */
  info: ConversationInfo | null;
  /** As `getUsage()` returns it. */
  usage: ConversationUsage;
}

/**
 * The info and usage of a conversation, read in one MULTI (LLEN, HGETALL, PTTL of both keys) and interpreted by the
 * same code as `getInfo()` (conversations/info.ts) and `getUsage()` (usage/storedUsage.ts). Plain reads rather than the
 * session's read scripts, so that the read-only CLI user (docs/security.md: no EVALSHA, no HMGET) can run `show`.
 */
export async function readDetails(connection: CliConnection, id: string, keys: ConversationKeys): Promise<ConversationDetails> {
  const [length, fields, itemsPttl, metaPttl] = (await connection.keys.multi().lLen(keys.items).hGetAll(keys.meta).pTTL(keys.items).pTTL(keys.meta).exec()) as [
    number,
    Record<string, string>,
    number,
    number,
  ];
  // As lua/conversationInfo-2.lua: the items' expiry, or the metadata's when there are no items.
  const pttl = Number(length) === 0 ? Number(metaPttl) : Number(itemsPttl);
  const raw: RawInfo = { fields: { ...fields }, itemCount: Number(length), pttl, exists: pttl !== -2 };
  return { info: conversationInfo(id, raw), usage: storedUsage({ ...fields }) };
}

/**
 * A RedisSession on the conversation of `run`, on the CLI's connection, opened with the owner stored in its metadata
 * hash (field `o`): a session with another (or no) owner may not write an owned conversation. Close it after use.
 */
export async function sessionAsOwner({ id, keys, globals, connection }: ConversationRun): Promise<RedisSession> {
  const owner = (await connection.keys.hGet(keys.meta, 'o')) ?? undefined;
  return new RedisSession({ client: connection.client, conversationId: id, keyPrefix: globals.prefix, owner });
}

/** A server time in ms as an ISO time, or `-` when unknown. */
export function isoTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

/** Usage in one line: "3 requests, 1200 tokens (input 1000, output 200, cached 800, reasoning 50)". */
export function formatUsage(usage: UsageTotals): string {
  const details = [`input ${usage.inputTokens}`, `output ${usage.outputTokens}`];
  for (const [name, value] of [...Object.entries(usage.inputTokensDetails), ...Object.entries(usage.outputTokensDetails)]) {
    details.push(`${name.replace(/_tokens$/, '')} ${value}`);
  }
  return `${usage.requests} request${usage.requests === 1 ? '' : 's'}, ${usage.totalTokens} tokens (${details.join(', ')})`;
}

/** A fork's origin in one line, or `-`. */
export function formatParent(info: Pick<ConversationInfo, 'parent'>): string {
  return info.parent === null ? '-' : `${info.parent.conversationId} (its first ${info.parent.upTo} item${info.parent.upTo === 1 ? '' : 's'})`;
}
