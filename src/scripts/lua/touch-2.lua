--[[
  Slides the expiry of a conversation's keys after a read. getItems sends it
  pipelined right behind its LRANGE: one round trip, and Redis runs the two
  back to back. (Not MULTI: node-redis applies no command timeout to a
  MULTI, which would then wait forever while Redis is down.) Reading through
  Lua instead would copy every item into Lua and back, several times slower.
  Sent only with the reads the session's `touch` option picks ('always':
  every read; 'write': none; an interval: at most one per interval); the
  other reads are the LRANGE alone.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]  ttl in seconds  (> 0)

  Returns: 1 when the expiry was set; a WRONGTYPE error naming the key when
  either key holds another type (a key that belongs to someone else must not
  be given an expiry; then nothing is set, and the read fails). The type checks
  are lib/guards.lua's readKeys (LLEN and HGET), sent in front of this script
  with lib/expiry.lua.
  Cost: O(1).
]]
local ttl = tonumber(ARGV[1])

local refused = readKeys()
if refused then return refused end
expireBoth(ttl)
return 1
