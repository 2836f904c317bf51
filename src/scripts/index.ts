import { LuaScript } from './luaScript.js';
import applyTransactionSource from './lua/applyTransaction-2.lua';
import clearSource from './lua/clear-2.lua';
import changeEventsLibrary from './lua/lib/changeEvents.lua';
import guardsLibrary from './lua/lib/guards.lua';
import historyLimitLibrary from './lua/lib/historyLimit.lua';
import jsonValuesLibrary from './lua/lib/jsonValues.lua';
import mutateHistorySource from './lua/mutateHistory-2.lua';
import popItemSource from './lua/popItem-2.lua';
import pushItemsSource from './lua/pushItems-2.lua';
import touchSource from './lua/touch-2.lua';

/**
 * The session's Lua scripts, one per file in `./lua`, each named
 * `<name>-<number of keys>.lua` with a header documenting KEYS and ARGV.
 * Libraries of helper functions are sent in front of a script, in this order:
 * `lua/lib/guards.lua` (every script that writes: it checks the key types,
 * the ACL of every command the call will run, and the version field, before
 * the first write), `lua/lib/changeEvents.lua` (publishes the change event),
 * `lua/lib/historyLimit.lua` (scripts that can lengthen the history: `maxItems`)
 * and `lua/lib/jsonValues.lua` (scripts that look inside items). Without a TTL
 * and with change events off, appends, pops and reads need no script: they are single native commands.
 */
export const scripts = {
  touch: new LuaScript('touch', 2, touchSource, guardsLibrary),
  pushItems: new LuaScript('pushItems', 2, pushItemsSource, guardsLibrary, changeEventsLibrary, historyLimitLibrary),
  popItem: new LuaScript('popItem', 2, popItemSource, guardsLibrary, changeEventsLibrary),
  clear: new LuaScript('clear', 2, clearSource, guardsLibrary, changeEventsLibrary),
  applyTransaction: new LuaScript(
    'applyTransaction',
    2,
    applyTransactionSource,
    guardsLibrary,
    changeEventsLibrary,
    historyLimitLibrary,
    jsonValuesLibrary,
  ),
  mutateHistory: new LuaScript('mutateHistory', 2, mutateHistorySource, guardsLibrary, changeEventsLibrary, jsonValuesLibrary),
} as const;

/** Libraries other scripts (the CLI's) may send in front of theirs; see {@link scripts}. */
export const luaLibraries = { guards: guardsLibrary } as const;

export { LuaScript } from './luaScript.js';
