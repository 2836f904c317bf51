import { MAX_LIST_LIMIT } from '../config/conversationInfo.js';
import { ApplyTransaction } from './applyTransaction.js';
import { Clear } from './clear.js';
import { ConversationInfoScript, ConversationInfosScript } from './conversationInfo.js';
import { ListOwner } from './listOwner.js';
import { CreateFork } from './createFork.js';
import { ForkSource } from './forkSource.js';
import { LuaScript } from './luaScript.js';
import applyTransactionSource from './lua/applyTransaction-2.lua';
import clearSource from './lua/clear-2.lua';
import conversationInfoSource from './lua/conversationInfo-2.lua';
import createForkSource from './lua/createFork-2.lua';
import forkSourceSource from './lua/forkSource-2.lua';
import changeEventsLibrary from './lua/lib/changeEvents.lua';
import chunksLibrary from './lua/lib/chunks.lua';
import expiryLibrary from './lua/lib/expiry.lua';
import guardsLibrary from './lua/lib/guards.lua';
import historyLimitLibrary from './lua/lib/historyLimit.lua';
import infoLibrary from './lua/lib/info.lua';
import jsonValuesLibrary from './lua/lib/jsonValues.lua';
import ownerIndexTypeLibrary from './lua/lib/ownerIndexType.lua';
import readConversationLibrary from './lua/lib/readConversation.lua';
import listOwnerSource from './lua/listOwner-1.lua';
import sessionArgsLibrary from './lua/lib/sessionArgs.lua';
import mutateHistorySource from './lua/mutateHistory-2.lua';
import ownerIndexSource from './lua/ownerIndex-1.lua';
import popItemSource from './lua/popItem-2.lua';
import pushItemsSource from './lua/pushItems-2.lua';
import readPageSource from './lua/readPage-2.lua';
import readUsageSource from './lua/readUsage-2.lua';
import touchSource from './lua/touch-2.lua';
import updateInfoSource from './lua/updateInfo-2.lua';
import { MutateHistory } from './mutateHistory.js';
import { OwnerIndexScript } from './ownerIndex.js';
import { PopItem } from './popItem.js';
import { PushItems } from './pushItems.js';
import { ReadPage } from './readPage.js';
import { ReadUsage } from './readUsage.js';
import { Touch } from './touch.js';
import { UpdateInfo } from './updateInfo.js';

/**
 * Libraries of helper functions, sent in front of a script in this order:
 * `guards` (every script that writes: it checks the key types, the ACL of
 * every command the call will run, and the version field, before the first
 * write), `sessionArgs` (names the ARGV[1..11] every session script takes),
 * `info` (the conversation's info: owner, createdAt, updatedAt, usage, generation),
 * `changeEvents` (plans and publishes the change event), `expiry` (the
 * EXPIRE of both keys), `historyLimit` (scripts that can lengthen the
 * history: `maxItems`), `chunks` (many values in chunks), `jsonValues`
 * (scripts that look inside items), `ownerIndexType` (the scripts on an
 * owner's index: a key of another type there is refused) and
 * `readConversation` (the scripts that only read a conversation).
 */
export const luaLibraries = {
  guards: guardsLibrary,
  sessionArgs: sessionArgsLibrary,
  info: infoLibrary,
  changeEvents: changeEventsLibrary,
  expiry: expiryLibrary,
  historyLimit: historyLimitLibrary,
  chunks: chunksLibrary,
  jsonValues: jsonValuesLibrary,
  ownerIndexType: ownerIndexTypeLibrary,
  readConversation: readConversationLibrary,
} as const;

const { guards, sessionArgs, info, changeEvents, expiry, historyLimit, chunks, jsonValues, ownerIndexType, readConversation } = luaLibraries;
/** The libraries of every script that writes a conversation for a session. */
const writing = [guards, sessionArgs, ownerIndexType, info, changeEvents, expiry] as const;
/** The KEYS of a script that writes a conversation: its two keys, and the owner's index when it keeps it (lib/info.lua). */
const WRITE_KEYS = [2, 3] as const;

/** Reads one conversation's info, or, on a single server, those of a page of conversations: two KEYS each. */
const conversationInfoLua = new LuaScript('conversationInfo', [2, 2 * (MAX_LIST_LIMIT + 1)], conversationInfoSource, readConversation);

/**
 * The session's Lua scripts, one per file in `./lua`, each named
 * `<name>-<number of keys>.lua` with a header documenting KEYS and ARGV, and
 * each behind a typed wrapper (one file per script here) that builds its ARGV
 * from the conversation's {@link ScriptContext} and types its reply. Every
 * write is a script (it stamps the conversation's info); reads without a TTL
 * are a single LRANGE.
 */
export const scripts = {
  touch: new Touch(new LuaScript('touch', 2, touchSource, guards, expiry)),
  pushItems: new PushItems(new LuaScript('pushItems', WRITE_KEYS, pushItemsSource, ...writing, historyLimit, chunks)),
  popItem: new PopItem(new LuaScript('popItem', WRITE_KEYS, popItemSource, ...writing)),
  clear: new Clear(new LuaScript('clear', WRITE_KEYS, clearSource, guards, sessionArgs, ownerIndexType, info, changeEvents)),
  applyTransaction: new ApplyTransaction(
    new LuaScript('applyTransaction', WRITE_KEYS, applyTransactionSource, ...writing, historyLimit, chunks, jsonValues),
  ),
  mutateHistory: new MutateHistory(new LuaScript('mutateHistory', WRITE_KEYS, mutateHistorySource, ...writing, jsonValues)),
  updateInfo: new UpdateInfo(new LuaScript('updateInfo', WRITE_KEYS, updateInfoSource, ...writing)),
  conversationInfo: new ConversationInfoScript(conversationInfoLua),
  conversationInfos: new ConversationInfosScript(conversationInfoLua),
  readUsage: new ReadUsage(new LuaScript('readUsage', 2, readUsageSource)),
  ownerIndex: new OwnerIndexScript(new LuaScript('ownerIndex', 1, ownerIndexSource, guards, ownerIndexType)),
  listOwner: new ListOwner(new LuaScript('listOwner', 1, listOwnerSource, ownerIndexType)),
  readPage: new ReadPage(new LuaScript('readPage', 2, readPageSource, readConversation)),
  forkSource: new ForkSource(new LuaScript('forkSource', 2, forkSourceSource, readConversation)),
  createFork: new CreateFork(new LuaScript('createFork', WRITE_KEYS, createForkSource, ...writing, historyLimit, chunks)),
} as const;

export { LuaScript } from './luaScript.js';
export { scriptContext, EventMode, type ScriptContext } from './scriptContext.js';
