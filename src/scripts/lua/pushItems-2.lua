--[[
  Appends items to a conversation, all or none, and slides its expiry.
  With the replace flag set, the old history is dropped first: an atomic swap
  (used for compaction).

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]      ttl in seconds, or 0 for no expiry
  ARGV[2]      "1" to replace the whole history, "0" to append
  ARGV[3..n]   serialized items, oldest first

  Returns: the length of the history afterwards.
  Cost: O(N) in the items written (plus the items dropped, when replacing).
]]
local ttl = tonumber(ARGV[1])
if ARGV[2] == '1' then
  redis.call('DEL', KEYS[1])
end
local length = redis.call('LLEN', KEYS[1])
local chunk = 1000
for first = 3, #ARGV, chunk do
  length = redis.call('RPUSH', KEYS[1], unpack(ARGV, first, math.min(first + chunk - 1, #ARGV)))
end
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return length
