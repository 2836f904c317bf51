--[[
  Deletes both keys of a conversation and publishes a 'clear' change event
  whose version is the old version + 1; the next write starts again at 1.
  Nothing is published when there was nothing to delete. Without change
  events, a plain DEL does the job.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1..4]  ttl (unused) and change-event arguments (see lib/changeEvents.lua)
  ARGV[5..6]  maxItems and overflow (unused here)

  Returns: the number of keys deleted.
  Cost: O(N) in the items deleted, as DEL.
]]
local refused = refuseUnpublishable()
if refused then return refused end
local count = 0
if redis.call('TYPE', KEYS[1]).ok == 'list' then
  count = redis.call('LLEN', KEYS[1])
end
local version = 0
if redis.call('TYPE', KEYS[2]).ok == 'hash' then
  version = tonumber(redis.call('HGET', KEYS[2], 'v') or '0') or 0
end
local deleted = redis.call('DEL', KEYS[1], KEYS[2])
if deleted > 0 and ARGV[2] ~= '0' then
  sendChangeEvent('clear', version + 1, count)
end
return deleted
