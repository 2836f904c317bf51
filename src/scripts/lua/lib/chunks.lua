--[[
  Prepended to the scripts that write many values at once (see ../../index.ts
  and src/cli/scripts.ts): unpack() of too many values overflows Lua's stack,
  so they are sent in chunks.
]]

local CHUNK = 1000

-- Runs `command` on `key` with ARGV[first .. last], `perCall` values (CHUNK when nil) at a time.
-- Returns the last call's reply, or 0 when there was nothing to send.
local function callInChunks(command, key, first, last, perCall)
  local size = perCall or CHUNK
  local reply = 0
  for from = first, last, size do
    reply = redis.call(command, key, unpack(ARGV, from, math.min(from + size - 1, last)))
  end
  return reply
end
