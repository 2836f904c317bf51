import { LuaScript } from './luaScript.js';
import applyTransactionSource from './lua/applyTransaction-2.lua';
import mutateHistorySource from './lua/mutateHistory-2.lua';
import popItemSource from './lua/popItem-2.lua';
import pushItemsSource from './lua/pushItems-2.lua';
import touchSource from './lua/touch-2.lua';

/**
 * The session's Lua scripts, one per file in `./lua`, each named
 * `<name>-<number of keys>.lua` with a header documenting KEYS and ARGV.
 * Without a TTL, reads and writes need none: they are single native commands.
 */
export const scripts = {
  touch: new LuaScript('touch', 2, touchSource),
  pushItems: new LuaScript('pushItems', 2, pushItemsSource),
  popItem: new LuaScript('popItem', 2, popItemSource),
  applyTransaction: new LuaScript('applyTransaction', 2, applyTransactionSource),
  mutateHistory: new LuaScript('mutateHistory', 2, mutateHistorySource),
} as const;

export { LuaScript } from './luaScript.js';
