--[[
  Prepended to every script that can make a history longer (see ../../index.ts):
  enforces the session's maxItems limit in the same atomic script as the write.
  It reads maxItems and overflow (ARGV[5] and ARGV[6], named by lib/sessionArgs.lua).

  A script calls checkLimit before writing anything; with overflow 'trim' it
  then checks (planTrim, with lib/guards.lua) and runs (trimExcess) one LTRIM
  of the excess after its write.
]]

-- What maxItems asks of a write that adds `adding` items after removing `removed` from the end of a
-- history of `length` items (removed = nil replaces the whole history). Returns an error reply
-- (overflow 'reject') or nil, and how many of the oldest items to drop after the write (overflow 'trim'), or 0.
local function checkLimit(length, adding, removed)
  if maxItems == 0 then return nil, 0 end
  local newLength = adding
  if removed then newLength = length - removed + adding end
  if newLength <= maxItems then return nil, 0 end
  if overflow == 'reject' then
    return redis.error_reply(string.format(
      'HISTORYFULL the history would hold %d items; maxItems is %d', newLength, maxItems)), 0
  end
  return nil, newLength - maxItems
end

-- Plans (lib/guards.lua) the LTRIM that drops `excess` oldest items, and the count of them (field h,
-- lib/info.lua), when there are any.
local function planTrim(excess)
  if excess > 0 then
    need('or drop maxItems', 'LTRIM', KEYS[1], tostring(excess), '-1')
    need('or drop maxItems', 'HINCRBY', KEYS[2], 'h', tostring(excess))
    needCounter('h')
  end
end

-- Drops the `excess` oldest items (from checkLimit), after the write, counting them in the field h.
local function trimExcess(excess)
  if excess > 0 then
    redis.call('LTRIM', KEYS[1], excess, -1)
    redis.call('HINCRBY', KEYS[2], 'h', excess)
  end
end
