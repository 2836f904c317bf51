--[[
  Reads the info of conversations (getInfo, listConversations): the fields
  lib/info.lua keeps in each one's metadata hash, with the length of its
  history and its expiry. A read: it writes nothing, and does not slide the expiry.

  KEYS     two per conversation, for one or more conversations (on a cluster,
           only one: a conversation's keys are the only ones sharing its slot):
  KEYS[2i-1]  items list      (prefix .. id)
  KEYS[2i]    metadata hash   ({prefix .. id}:meta)

  ARGV[1]  'many' for the reply of several conversations (below), else absent

  Returns, for one conversation: { c, u, o, ti, m, pc, pu, g, h, ur, ui, uo, ut, uc, ux, tn, length, pttl }
  (each field a string, or false when absent; length the LLEN of the items;
  pttl the PTTL of the items key, or of the metadata when there are no items:
  -1 no expiry, -2 neither key exists); or a WRONGTYPE error naming a key of
  another type. With 'many': an array of those, one per conversation in the order
  of KEYS, where a conversation with a key of another type is the WRONGTYPE error's
  text (a string), so that the others are still read.
  Cost: O(1) per conversation.
]]
local function info(itemsKey, metaKey)
  local refused, length, fields = readConversationAt(itemsKey, metaKey,
    'c', 'u', 'o', 'ti', 'm', 'pc', 'pu', 'g', 'h', 'ur', 'ui', 'uo', 'ut', 'uc', 'ux', 'tn')
  if refused then return refused end
  local pttl = redis.call('PTTL', itemsKey)
  if length == 0 then pttl = redis.call('PTTL', metaKey) end
  fields[#fields + 1] = length
  fields[#fields + 1] = pttl
  return fields
end

if ARGV[1] ~= 'many' then
  local fields = info(KEYS[1], KEYS[2])
  if type(fields) == 'string' then return redis.error_reply(fields) end
  return fields
end
local infos = {}
for i = 1, #KEYS, 2 do
  infos[#infos + 1] = info(KEYS[i], KEYS[i + 1])
end
return infos
