--[[
  Reads the info of a conversation (getInfo, listConversations): the fields
  lib/info.lua keeps in its metadata hash, with the length of its history and
  its expiry. A read: it writes nothing, and does not slide the expiry.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  Returns: { c, u, o, ti, m, pc, pu, g, h, ur, ui, uo, ut, uc, ux, tn, length, pttl }
  (each field a string, or false when absent; length the LLEN of the items;
  pttl the PTTL of the items key, or of the metadata when there are no items:
  -1 no expiry, -2 neither key exists); or a WRONGTYPE error naming a key of
  another type.
  Cost: O(1).
]]
local refused, length, fields = readConversation('c', 'u', 'o', 'ti', 'm', 'pc', 'pu', 'g', 'h', 'ur', 'ui', 'uo', 'ut', 'uc', 'ux', 'tn')
if refused then return refused end
local pttl = redis.call('PTTL', KEYS[1])
if length == 0 then pttl = redis.call('PTTL', KEYS[2]) end
fields[#fields + 1] = length
fields[#fields + 1] = pttl
return fields
