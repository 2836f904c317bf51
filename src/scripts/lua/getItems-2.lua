--[[
  Reads the newest items of a conversation and slides its expiry.
  Used only when the session has a TTL; without one, a plain LRANGE does the job.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]  ttl in seconds  (> 0)
  ARGV[2]  start index     (0 for the whole history, -N for the newest N)

  Returns: the serialized items, oldest first.
  Cost: O(N) in the items returned, not in the length of the history.
]]
local items = redis.call('LRANGE', KEYS[1], ARGV[2], -1)
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return items
