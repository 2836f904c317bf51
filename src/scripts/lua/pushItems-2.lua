--[[
  Appends items to a conversation, all or none, and slides its expiry.
  With the replace flag set, the old history is dropped first: an atomic swap
  (used for compaction). A key of another type is refused, never deleted.
  Appends without a TTL need no script: they are a plain RPUSH.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]      ttl in seconds, or 0 for no expiry
  ARGV[2]      "1" to replace the whole history, "0" to append
  ARGV[3..n]   serialized items, oldest first

  Returns: the length of the history afterwards, or a WRONGTYPE error.
  Cost: O(N) in the items written (plus the items dropped, when replacing).
]]
local ttl = tonumber(ARGV[1])
if ARGV[2] == '1' then
  -- (An append needs no check: RPUSH itself fails on another type, before any EXPIRE.)
  local kind = redis.call('TYPE', KEYS[1]).ok
  if kind ~= 'list' and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE Operation against a key holding the wrong kind of value')
  end
  redis.call('DEL', KEYS[1])
end
local length = 0
local chunk = 1000
for first = 3, #ARGV, chunk do
  length = redis.call('RPUSH', KEYS[1], unpack(ARGV, first, math.min(first + chunk - 1, #ARGV)))
end
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return length
