/**
 * A conversation's info and usage as the CLI reads and shows them: the session's own read scripts
 * (`conversationInfo-2.lua`, `readUsage-2.lua`), and a RedisSession opened with the conversation's stored owner
 * for the commands that write through the package's API (`rename`, `fork`).
 */
import type { RedisCommandTarget } from '../connection/commandTarget.js';
import type { ConversationKeys } from '../config/keys.js';
import { conversationInfo, type ConversationInfo } from '../conversations/info.js';
import { RedisSession } from '../RedisSession.js';
import { scripts } from '../scripts/index.js';
import { storedUsage } from '../usage/storedUsage.js';
import type { ConversationUsage, UsageTotals } from '../usage/usage.js';
import type { ConversationRun } from './context.js';
import type { CliConnection } from './connect.js';

/** The info of a conversation (`getInfo()`), or `null` when neither of its keys exists. */
export async function readInfo(connection: CliConnection, id: string, keys: ConversationKeys): Promise<ConversationInfo | null> {
  const raw = await scripts.conversationInfo.run(connection.client as RedisCommandTarget, { keys }, undefined);
  return conversationInfo(id, raw);
}

/** The usage a conversation recorded (`getUsage()`): totals and turns. */
export async function readUsage(connection: CliConnection, keys: ConversationKeys): Promise<ConversationUsage> {
  return storedUsage(await scripts.readUsage.run(connection.client as RedisCommandTarget, { keys }, undefined));
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
