--[[
  Prepended to every script that can make a history longer (see ../../index.ts):
  enforces the session's maxItems limit in the same atomic script as the write.
  Every such script takes, after the change-event arguments:

  ARGV[5]  maxItems: the longest history allowed, or 0 for no limit
  ARGV[6]  overflow: 'trim' (drop the oldest items after the write) or 'reject'

  A script calls refuseOverflow before writing anything and trimOverflow after.
]]

-- With overflow 'reject': an error reply when the write would make the history longer than maxItems.
-- The write adds `adding` items after removing `removed` from the end; removed = nil replaces the whole history.
-- Reads the length (LLEN, O(1)) only when the policy needs it.
local function refuseOverflow(adding, removed)
  local maxItems = tonumber(ARGV[5])
  if maxItems == 0 or ARGV[6] ~= 'reject' then return nil end
  local newLength = adding
  if removed then newLength = redis.call('LLEN', KEYS[1]) - removed + adding end
  if newLength > maxItems then
    return redis.error_reply(string.format(
      'HISTORYFULL the history would hold %d items; maxItems is %d', newLength, maxItems))
  end
  return nil
end

-- With overflow 'trim': drops the oldest items beyond maxItems. Returns how many were dropped.
local function trimOverflow()
  local maxItems = tonumber(ARGV[5])
  if maxItems == 0 then return 0 end
  local length = redis.call('LLEN', KEYS[1])
  if length <= maxItems then return 0 end
  redis.call('LTRIM', KEYS[1], length - maxItems, -1)
  return length - maxItems
end
