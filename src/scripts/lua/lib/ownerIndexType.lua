--[[
  Prepended to the scripts on an owner's index (ownerIndex-1.lua, listOwner-1.lua;
  see ../../index.ts): refuses a key of another type at the index, naming it.
]]

-- The WRONGTYPE error reply when `index` holds something other than a sorted set (or nothing), else nil.
local function foreignIndex(index)
  local kind = redis.call('TYPE', index).ok
  if kind == 'zset' or kind == 'none' then return nil end
  return redis.error_reply(string.format(
    'WRONGTYPE %s holds a %s, not the sorted set of an owner\'s conversations: another program wrote it. ' ..
    'Nothing was changed. Use a different keyPrefix, or delete that key if nothing needs it ' ..
    '(conversations are listed again as they are written).', index, kind))
end
