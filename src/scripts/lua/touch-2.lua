--[[
  Slides the expiry of a conversation's keys after a read. getItems sends it
  pipelined right behind its LRANGE: one round trip, and Redis runs the two
  back to back. (Not MULTI: node-redis applies no command timeout to a
  MULTI, which would then wait forever while Redis is down.) Reading through
  Lua instead would copy every item into Lua and back, several times slower.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]  ttl in seconds  (> 0)

  Returns: 1 when the expiry was set, 0 when the items key holds another type
  (then the LRANGE beside it failed with WRONGTYPE, and a key that belongs to
  someone else must not be given an expiry).
  Cost: O(1).
]]
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'list' and kind ~= 'none' then
  return 0
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
