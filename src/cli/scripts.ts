import { luaLibraries } from '../scripts/index.js';
import { LuaScript } from '../scripts/luaScript.js';
import expireConversationSource from '../scripts/lua/expireConversation-2.lua';
import importConversationSource from '../scripts/lua/importConversation-2.lua';

/** The CLI's own Lua scripts (see the headers of their files in src/scripts/lua). */
export const cliScripts = {
  expireConversation: new LuaScript('expireConversation', 2, expireConversationSource, luaLibraries.guards),
  importConversation: new LuaScript('importConversation', 2, importConversationSource, luaLibraries.guards),
} as const;
