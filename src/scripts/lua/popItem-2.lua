--[[
  Removes and returns the newest item of a conversation, slides its expiry and
  publishes a 'pop' change event (nothing is published when the history was
  empty). Without a TTL and without change events, a plain RPOP does the job.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1..4]  ttl and change-event arguments (see lib/changeEvents.lua)
  ARGV[5..6]  maxItems and overflow (unused here)

  Returns: the serialized item, or false when the history is empty; or, with
  nothing removed, a WRONGTYPE, NOPERM or ERR error reply (see lib/guards.lua).
  Cost: O(1).
]]
local refused, length, version = readKeys()
if refused then return refused end
local ttl = tonumber(ARGV[1])
if length > 0 then
  need(nil, 'RPOP', KEYS[1])
  planEvent(true)
end
planExpiry()
refused = refuseUnsafe(version)
if refused then return refused end

local item = redis.call('RPOP', KEYS[1])
if item then
  publishChange('pop', 1)
end
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return item
