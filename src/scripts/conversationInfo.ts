import { rawInfo, type RawInfo } from '../conversations/info.js';
import type { KeysContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/**
 * `lua/conversationInfo-2.lua`: reads a conversation's info fields, the
 * length of its history and its expiry, in one round trip (`getInfo`, and
 * each entry of a conversation listing). Writes nothing.
 */
export class ConversationInfoScript extends TypedScript<KeysContext, void, RawInfo> {
  args(): string[] {
    return [];
  }

  reply(raw: unknown): RawInfo {
    return rawInfo(raw);
  }
}
