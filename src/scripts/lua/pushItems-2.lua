--[[
  Appends items to a conversation, all or none, slides its expiry and
  publishes an 'add' change event. With the replace flag set, the old history
  is dropped first: an atomic swap (used for compaction, event 'compaction').
  A key of another type is refused, never deleted. Appends without a TTL and
  without change events need no script: they are a plain RPUSH.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1..4]   ttl and change-event arguments (see lib/changeEvents.lua)
  ARGV[5]      "1" to replace the whole history, "0" to append
  ARGV[6..n]   serialized items, oldest first

  Returns: the length of the history afterwards, or a WRONGTYPE error.
  Cost: O(N) in the items written (plus the items dropped, when replacing).
]]
local ttl = tonumber(ARGV[1])
local replace = ARGV[5] == '1'
if replace then
  -- (An append needs no check: RPUSH itself fails on another type, before anything is written.)
  local kind = redis.call('TYPE', KEYS[1]).ok
  if kind ~= 'list' and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE Operation against a key holding the wrong kind of value')
  end
  redis.call('DEL', KEYS[1])
end
local first = 6
local length = 0
local chunk = 1000
for from = first, #ARGV, chunk do
  length = redis.call('RPUSH', KEYS[1], unpack(ARGV, from, math.min(from + chunk - 1, #ARGV)))
end
publishChange(replace and 'compaction' or 'add', #ARGV - first + 1, first, #ARGV)
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return length
