--[[
  Removes and returns the newest item of a conversation, slides its expiry and
  publishes a 'pop' change event (nothing is published when the history was
  empty).

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)
  KEYS[3]  optional: the owner's index, kept in this script on a single server (lib/info.lua)

  ARGV[1..11]  the session's arguments, named by lib/sessionArgs.lua: ttl,
               change events (eventsOn, eventsCarryItems, eventIdentity,
               prefixChannel) and owner; the others are unused

  A pop starts a new generation (history page cursors taken before fail) and
  stamps updatedAt (lib/info.lua).

  Returns: the serialized item, or false when the history is empty; or, with
  nothing removed, an OWNER, WRONGTYPE, NOPERM or ERR error reply (see lib/guards.lua).
  Cost: O(1).
]]
local refused, length, version, fields = readKeys(unpack(INFO_FIELDS))
if refused then return refused end
refused = readInfo(fields)
if refused then return refused end
if length > 0 then
  need(nil, 'RPOP', KEYS[1])
  planInfo()
  planGeneration()
  planEvent(true)
end
planExpiry(ttl)
refused = refuseUnsafe(version)
if refused then return refused end

local item = redis.call('RPOP', KEYS[1])
if item then
  bumpGeneration()
  stampInfo(length, 0)
  publishChange('pop', 1)
end
expireBoth(ttl)
return item
