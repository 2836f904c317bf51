import { LuaScript } from './luaScript.js';
import applyTransactionSource from './lua/applyTransaction-2.lua';
import clearSource from './lua/clear-2.lua';
import changeEventsLibrary from './lua/lib/changeEvents.lua';
import historyLimitLibrary from './lua/lib/historyLimit.lua';
import mutateHistorySource from './lua/mutateHistory-2.lua';
import popItemSource from './lua/popItem-2.lua';
import pushItemsSource from './lua/pushItems-2.lua';
import touchSource from './lua/touch-2.lua';

/**
 * The session's Lua scripts, one per file in `./lua`, each named
 * `<name>-<number of keys>.lua` with a header documenting KEYS and ARGV.
 * Every script that writes gets `lua/lib/changeEvents.lua` in front of it,
 * to publish its change event, and every script that can lengthen the
 * history gets `lua/lib/historyLimit.lua`, to enforce `maxItems`. Without a TTL and with change events off,
 * reads and writes need none: they are single native commands.
 */
export const scripts = {
  touch: new LuaScript('touch', 2, touchSource),
  pushItems: new LuaScript('pushItems', 2, pushItemsSource, changeEventsLibrary, historyLimitLibrary),
  popItem: new LuaScript('popItem', 2, popItemSource, changeEventsLibrary),
  clear: new LuaScript('clear', 2, clearSource, changeEventsLibrary),
  applyTransaction: new LuaScript('applyTransaction', 2, applyTransactionSource, changeEventsLibrary, historyLimitLibrary),
  mutateHistory: new LuaScript('mutateHistory', 2, mutateHistorySource, changeEventsLibrary),
} as const;

export { LuaScript } from './luaScript.js';
