import type { ConversationMetadata } from '../config/conversationInfo.js';
import { storedTotals } from '../usage/storedUsage.js';
import type { UsageTotals } from '../usage/usage.js';

/** Where a forked conversation comes from. */
export interface ConversationParent {
  /** The conversation it was forked from. */
  readonly conversationId: string;
  /** How many of the parent's items it copied (the index the copy stopped before). */
  readonly upTo: number;
}

/**
 * What is known of a conversation besides its items: `getInfo()`, and each
 * entry of `listConversations()`. A conversation written before this package
 * kept info (or only by native commands) reports `null` for what it lacks.
 */
export interface ConversationInfo {
  readonly conversationId: string;
  /** The owner it was written with (the `owner` option), or `null`. */
  readonly owner: string | null;
  /** Its title, or `null`. */
  readonly title: string | null;
  /** Its metadata; `{}` when none was set. */
  readonly metadata: ConversationMetadata;
  /** When its first item (or first update) was written: server time, ms since the epoch; `null` when unknown. */
  readonly createdAt: number | null;
  /** When it last changed: server time, ms since the epoch; `null` when unknown. */
  readonly updatedAt: number | null;
  /** How many items its history holds. */
  readonly itemCount: number;
  /** Seconds until it expires, or `null` when it never does. */
  readonly ttl: number | null;
  /** The conversation it was forked from, or `null`. */
  readonly parent: ConversationParent | null;
  /** Its token usage, summed over every turn recorded (see `getUsage()`). */
  readonly usage: UsageTotals;
}

/** The fields of `lua/conversationInfo-2.lua`'s reply, in order (then the history's length and PTTL). */
const FIELDS = ['c', 'u', 'o', 'ti', 'm', 'pc', 'pu', 'g', 'h', 'ur', 'ui', 'uo', 'ut', 'uc', 'ux', 'tn'] as const;
type Field = (typeof FIELDS)[number];

/** The reply of `lua/conversationInfo-2.lua`, by field name; `exists` is false when neither key exists. */
export interface RawInfo {
  readonly fields: Readonly<Partial<Record<Field, string>>>;
  readonly itemCount: number;
  /** The PTTL reply: ms, -1 for no expiry, -2 when neither key exists. */
  readonly pttl: number;
  readonly exists: boolean;
}

/** Parses the script's reply; throws on a reply of another shape. */
export function rawInfo(reply: unknown): RawInfo {
  if (!Array.isArray(reply) || reply.length !== FIELDS.length + 2) throw new Error('unexpected reply of the conversationInfo script');
  const fields: Partial<Record<Field, string>> = {};
  FIELDS.forEach((name, i) => {
    const value = reply[i];
    if (typeof value === 'string') fields[name] = value;
  });
  const itemCount = Number(reply[FIELDS.length]);
  const pttl = Number(reply[FIELDS.length + 1]);
  return { fields, itemCount, pttl, exists: pttl !== -2 };
}

const integer = (value: string | undefined): number | null => {
  if (value === undefined || !/^-?\d+$/.test(value)) return null;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : null;
};

/** The metadata stored as JSON; `{}` when absent or not a JSON object (written by something else). */
export function parseMetadata(json: string | undefined): ConversationMetadata {
  if (json === undefined) return {};
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as ConversationMetadata) : {};
  } catch {
    return {};
  }
}

/** The public info of a conversation from the script's reply, or `null` when it does not exist. */
export function conversationInfo(conversationId: string, raw: RawInfo): ConversationInfo | null {
  if (!raw.exists) return null;
  const { fields } = raw;
  const upTo = integer(fields.pu);
  return {
    conversationId,
    owner: fields.o ?? null,
    title: fields.ti ?? null,
    metadata: parseMetadata(fields.m),
    createdAt: integer(fields.c),
    updatedAt: integer(fields.u),
    itemCount: raw.itemCount,
    ttl: raw.pttl >= 0 ? Math.ceil(raw.pttl / 1000) : null,
    parent: fields.pc !== undefined && upTo !== null ? { conversationId: fields.pc, upTo } : null,
    usage: storedTotals(fields),
  };
}
