import { rawInfo, type RawInfo } from '../conversations/info.js';
import type { KeysContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/**
 * `lua/conversationInfo-2.lua`: reads a conversation's info fields, the
 * length of its history and its expiry, in one round trip (`getInfo`).
 * Writes nothing. A key of another type is a WRONGTYPE error naming it.
 */
export class ConversationInfoScript extends TypedScript<KeysContext, void, RawInfo> {
  args(): string[] {
    return [];
  }

  reply(raw: unknown): RawInfo {
    return rawInfo(raw);
  }
}

/** The KEYS of several conversations: two per conversation, in order (on one server only: they are on many slots). */
export interface ManyConversationsKeys {
  readonly keys: { readonly all: readonly string[] };
}

/**
 * The same script reading several conversations in one call (a page of a
 * conversation listing on a single server): one entry per conversation, in
 * the order of the keys, its info, or the WRONGTYPE error text of a
 * conversation whose keys hold other types.
 */
export class ConversationInfosScript extends TypedScript<ManyConversationsKeys, void, Array<RawInfo | string>> {
  args(): string[] {
    return ['many'];
  }

  reply(raw: unknown): Array<RawInfo | string> {
    if (!Array.isArray(raw)) throw new Error('unexpected reply of the conversationInfo script');
    return raw.map((entry: unknown) => (typeof entry === 'string' ? entry : rawInfo(entry)));
  }
}
