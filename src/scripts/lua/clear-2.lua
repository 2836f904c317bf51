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

  ARGV[1..10]  the session's arguments, named by lib/sessionArgs.lua; only the
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
need(nil, 'TIME')
refused = refuseUnsafe()
if refused then return refused end
local time = redis.call('TIME')
local micros = time[1] .. string.format('%06d', tonumber(time[2]))
if itemsType == 'none' and metaType == 'none' then return { 0, micros } end
if metaType == 'hash' then
  refused = ownerRefusal(redis.call('HGET', KEYS[2], 'o'))
  if refused then return refused end
end
need(nil, 'DEL', KEYS[1], KEYS[2])
planEvent(false)
refused = refuseUnsafe()
if refused then return refused end

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
