--[[
  Reads the token usage a conversation recorded (getUsage): the totals and
  the turns lib/info.lua keeps in its metadata hash. A read: it writes nothing.

  KEYS[1]  items list      (prefix .. id; unused, passed so that every script
                            of a conversation takes the same keys)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  Returns: the fields ur, ui, uo, ut, uc, ux and t:<n> with their values, as a
  flat field, value list (other fields are left out); or a WRONGTYPE error
  naming the metadata key when it holds another type.
  Cost: O(F), the fields of the metadata hash.
]]
local all = redis.pcall('HGETALL', KEYS[2])
if all.err then
  return redis.error_reply('WRONGTYPE ' .. KEYS[2] .. ' holds a ' .. redis.call('TYPE', KEYS[2]).ok .. ', not a hash: another program wrote it.')
end
local USAGE = { ur = true, ui = true, uo = true, ut = true, uc = true, ux = true }
local out = {}
for i = 1, #all, 2 do
  local field = all[i]
  if USAGE[field] or string.sub(field, 1, 2) == 't:' then
    out[#out + 1] = field
    out[#out + 1] = all[i + 1]
  end
end
return out
