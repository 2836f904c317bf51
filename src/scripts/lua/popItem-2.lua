--[[
  Removes and returns the newest item of a conversation, slides its expiry and
  publishes a 'pop' change event (nothing is published when the history was
  empty). Without a TTL and without change events, a plain RPOP does the job.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1..6]  the session's arguments, named by lib/sessionArgs.lua: ttl,
              change events (eventsOn, eventsCarryItems, eventIdentity,
              prefixChannel), maxItems and overflow

  Returns: the serialized item, or false when the history is empty; or, with
  nothing removed, a WRONGTYPE, NOPERM or ERR error reply (see lib/guards.lua).
  Cost: O(1).
]]
local refused, length, version = readKeys()
if refused then return refused end
if length > 0 then
  need(nil, 'RPOP', KEYS[1])
  planEvent(true)
end
planExpiry(ttl)
refused = refuseUnsafe(version)
if refused then return refused end

local item = redis.call('RPOP', KEYS[1])
if item then
  publishChange('pop', 1)
end
expireBoth(ttl)
return item
