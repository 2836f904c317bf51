--[[
  Deletes both keys of a conversation and publishes a 'clear' change event
  whose version is the old version + 1; the next write starts again at 1.
  Nothing is published when there was nothing to delete. Keys of another
  type are refused (WRONGTYPE naming the key), never deleted; so is a call
  that could not publish its event (NOPERM): then nothing is deleted. A
  version field v that is not an integer does not stop a clear (it is the
  repair); the event then says version 1.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)
  KEYS[3]  optional: the owner's index, kept in this script on a single server (lib/info.lua): the
           conversation's entry is removed with it

  ARGV[1..11]  the session's arguments, named by lib/sessionArgs.lua; only the
               change events (eventsOn, eventIdentity, prefixChannel) and the owner are used

  Another owner's conversation is refused (OWNER, lib/info.lua); counters that
  are not integers do not stop a clear.

  Returns: { the number of keys deleted, the server's TIME in µs } (the owner
  index removal is fenced by it: src/conversations/ownerIndex.ts), or an OWNER,
  WRONGTYPE or NOPERM error reply (see lib/guards.lua).
  Cost: O(N) in the items deleted, as DEL.
]]
local refused, itemsType, metaType = refuseForeignKeys()
if refused then return refused end
refused = refuseForeignIndex()
if refused then return refused end
need(nil, 'TIME')
refused = refuseUnsafe()
if refused then return refused end
local _, micros = serverTime()
if metaType == 'hash' then
  refused = ownerRefusal(redis.call('HGET', KEYS[2], 'o'))
  if refused then return refused end
end
if ownerIndex then need(nil, 'ZREM', ownerIndex, conversationId) end
if itemsType == 'none' and metaType == 'none' then
  refused = refuseUnsafe()
  if refused then return refused end
  -- Nothing to delete; an entry left in the index (a write whose script was refused elsewhere) goes.
  if ownerIndex then redis.call('ZREM', ownerIndex, conversationId) end
  return { 0, micros }
end
need(nil, 'DEL', KEYS[1], KEYS[2])
planEvent(false)
refused = refuseUnsafe()
if refused then return refused end

-- The conversation is gone, and so is its entry in the owner's index (when this script keeps it).
if ownerIndex then redis.call('ZREM', ownerIndex, conversationId) end
if not eventsOn then return { redis.call('DEL', KEYS[1], KEYS[2]), micros } end
local count = 0
if itemsType == 'list' then count = redis.call('LLEN', KEYS[1]) end
-- The event's version is the old one + 1; a version HINCRBY could not increment restarts at 1, as after a clear.
local version = 0
if metaType == 'hash' then
  local v = redis.call('HGET', KEYS[2], 'v')
  if v and not versionProblem(v) then version = tonumber(v) end
end
local deleted = redis.call('DEL', KEYS[1], KEYS[2])
sendChangeEvent('clear', version + 1, count)
return { deleted, micros }
