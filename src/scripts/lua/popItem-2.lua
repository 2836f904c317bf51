--[[
  Removes and returns the newest item of a conversation and slides its expiry.
  Used only when the session has a TTL; without one, a plain RPOP does the job.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]  ttl in seconds  (> 0)

  Returns: the serialized item, or false when the history is empty.
  Cost: O(1).
]]
local item = redis.call('RPOP', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return item
