import { luaLibraries } from '../scripts/index.js';
import { ExpireConversation } from '../scripts/expireConversation.js';
import { ImportConversation } from '../scripts/importConversation.js';
import { LuaScript } from '../scripts/luaScript.js';
import expireConversationSource from '../scripts/lua/expireConversation-2.lua';
import importConversationSource from '../scripts/lua/importConversation-2.lua';

/** The CLI's own Lua scripts, behind their typed wrappers (see the headers of their files in src/scripts/lua). */
export const cliScripts = {
  expireConversation: new ExpireConversation(new LuaScript('expireConversation', 2, expireConversationSource, luaLibraries.guards)),
  importConversation: new ImportConversation(
    new LuaScript('importConversation', 2, importConversationSource, luaLibraries.guards, luaLibraries.chunks),
  ),
} as const;
