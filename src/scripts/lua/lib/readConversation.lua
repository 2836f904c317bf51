--[[
  Prepended to the scripts that only read a conversation (conversationInfo-2.lua,
  readPage-2.lua, forkSource-2.lua; see ../../index.ts): the length of its
  history and fields of its metadata hash, refusing keys of another type.
]]

-- The WRONGTYPE error text for `key`, which should hold a `expected`.
local function notA(key, expected)
  return 'WRONGTYPE ' .. key .. ' holds a ' .. redis.call('TYPE', key).ok .. ', not a ' .. expected .. ': another program wrote it.'
end

-- LLEN of the items `itemsKey` and HMGET of `...` on the metadata hash `metaKey`: the WRONGTYPE error text
-- for a key of another type, else nil, the length and the fields (false when absent).
local function readConversationAt(itemsKey, metaKey, ...)
  local length = redis.pcall('LLEN', itemsKey)
  if type(length) == 'table' then return notA(itemsKey, 'list') end
  local fields = redis.pcall('HMGET', metaKey, ...)
  if fields.err then return notA(metaKey, 'hash') end
  return nil, length, fields
end

-- readConversationAt of this script's conversation (KEYS[1], KEYS[2]), with the refusal as an error reply.
local function readConversation(...)
  local refused, length, fields = readConversationAt(KEYS[1], KEYS[2], ...)
  if refused then return redis.error_reply(refused) end
  return nil, length, fields
end
