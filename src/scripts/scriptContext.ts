import { ownerIndexKey, type ConversationKeys } from '../config/keys.js';
import type { OverflowPolicy } from '../config/limits.js';
import { eventCanCarry, prefixChannel } from '../events/changeEvent.js';
import { feedChannelOf } from '../events/feedChannels.js';

/** What the change events of a conversation carry: ARGV[2] of every writing script (see lua/lib/sessionArgs.lua). */
export const EventMode = {
  /** No change events. */
  Off: '0',
  /** Events carry the items a change wrote. */
  WithItems: '1',
  /** Events carry only counts: the items are too large, or encrypted at rest (ciphertext never goes out on pub/sub). */
  CountOnly: '2',
} as const;
export type EventMode = (typeof EventMode)[keyof typeof EventMode];

/** What every script call on a conversation needs: its KEYS. The CLI's own scripts need no more. */
export interface KeysContext {
  /** The conversation's keys, sent as KEYS[1] (items) and KEYS[2] (metadata). */
  readonly keys: ConversationKeys;
}

/**
 * The per-conversation settings every writing script takes as ARGV[1..11]
 * (named in `lua/lib/sessionArgs.lua`), built once per session (or per CLI
 * command) by {@link scriptContext}. ARGV[10], the usage of one write, is per call.
 */
export interface ScriptContext extends KeysContext {
  /**
   * The KEYS of a writing script: the conversation's two keys, then, when the writes keep the owner's index in
   * the same script (an owner, on a single server), that index (see `conversations/ownerIndex.ts`).
   */
  readonly writeKeys: readonly string[];
  /** Whether the writing scripts keep the owner's index themselves ({@link writeKeys} holds it). */
  readonly indexesInScript: boolean;
  /** The sliding expiry in seconds; 0 for none. */
  readonly ttl: number;
  /** What change events carry; a change whose items are too large is sent {@link EventMode.CountOnly}. */
  readonly events: EventMode;
  /** The longest history kept; 0 for no limit. */
  readonly maxItems: number;
  readonly overflow: OverflowPolicy;
  /** The session's owner; '' for none. */
  readonly owner: string;
  /** ARGV[1..9], in the order the scripts read them; {@link sessionArgsFor} adds ARGV[10] (per call) and ARGV[11]. */
  readonly sessionArgs: readonly [string, EventMode, string, string, string, OverflowPolicy, string, string, string];
  /** ARGV[11]: the conversation id, the member of the owner's index. */
  readonly conversationId: string;
}

/** The settings a {@link ScriptContext} is built from. */
export interface ScriptContextSettings {
  readonly conversationId: string;
  readonly keyPrefix: string;
  readonly keys: ConversationKeys;
  /** Seconds; 0 (the default) for no expiry. */
  readonly ttl?: number;
  /** Whether writes publish change events (default false). */
  readonly changeEvents?: boolean;
  /** False when the stored items are encrypted: events then carry counts only (default true). */
  readonly eventsCarryItems?: boolean;
  /** 0 (the default) for no limit. */
  readonly maxItems?: number;
  readonly overflow?: OverflowPolicy;
  /** The owner a write records, and must match (default none). */
  readonly owner?: string;
  /** The title a new conversation starts with (default none). */
  readonly title?: string;
  /** The metadata a new conversation starts with, already serialized as a JSON object (default none). */
  readonly metadataJson?: string;
  /**
   * Whether the keys may live on several servers (a Redis Cluster; default true, which is right everywhere).
   * On a single server, a session with an owner keeps the owner's index inside its writing scripts, and the
   * store-wide event goes out with PUBLISH on `<prefix>__events__`; on a cluster, with SPUBLISH on the feed
   * channel of the conversation's slot (`events/feedChannels.ts`), which is not broadcast to every node.
   */
  readonly cluster?: boolean;
}

/** Builds the script context of one conversation. */
export function scriptContext(settings: ScriptContextSettings): ScriptContext {
  const { conversationId, keyPrefix, keys, ttl = 0, changeEvents = false, eventsCarryItems = true, maxItems = 0, overflow = 'trim' } = settings;
  const { owner = '', title = '', metadataJson = '', cluster = true } = settings;
  const events = !changeEvents ? EventMode.Off : eventsCarryItems ? EventMode.WithItems : EventMode.CountOnly;
  // The event's identity is a JSON fragment the scripts splice into every event they publish.
  const identity = changeEvents ? `"conversationId":${JSON.stringify(conversationId)},"keyPrefix":${JSON.stringify(keyPrefix)}` : '';
  // ARGV[4]: a channel with a hash tag (only the cluster feed has one: prefixes hold no braces) is published sharded.
  const channel = !changeEvents ? '' : cluster ? feedChannelOf(keyPrefix, keys.items) : prefixChannel(keyPrefix);
  const indexesInScript = owner !== '' && !cluster;
  return {
    keys,
    writeKeys: indexesInScript ? [...keys.all, ownerIndexKey(keyPrefix, owner)] : keys.all,
    indexesInScript,
    conversationId,
    ttl,
    events,
    maxItems,
    overflow,
    owner,
    sessionArgs: [String(ttl), events, identity, channel, String(maxItems), overflow, owner, title, metadataJson],
  };
}

/**
 * ARGV[1..11] of a write: the session's arguments, `usage` (ARGV[10]: the token usage recorded with
 * this write, 'requests,input,output,total,cached,reasoning', or '' for none) and the conversation id.
 * Its event carries `entries` unless they are too large.
 */
export function sessionArgsFor(context: ScriptContext, entries: readonly string[] = [], usage = ''): string[] {
  const [ttl, events, ...rest] = context.sessionArgs;
  if (events !== EventMode.WithItems || eventCanCarry(entries)) return [...context.sessionArgs, usage, context.conversationId];
  return [ttl, EventMode.CountOnly, ...rest, usage, context.conversationId];
}
