--[[
  Prepended to the scripts that only read a conversation (conversationInfo-2.lua,
  readPage-2.lua, forkSource-2.lua; see ../../index.ts): the length of its
  history and fields of its metadata hash, refusing keys of another type.
]]

-- The WRONGTYPE error reply for KEYS[i], which should hold a `expected`.
local function notA(i, expected)
  return redis.error_reply('WRONGTYPE ' .. KEYS[i] .. ' holds a ' .. redis.call('TYPE', KEYS[i]).ok ..
    ', not a ' .. expected .. ': another program wrote it.')
end

-- LLEN of the items and HMGET of `...` on the metadata hash: an error reply for a key of another type,
-- else nil, the length and the fields (false when absent).
local function readConversation(...)
  local length = redis.pcall('LLEN', KEYS[1])
  if type(length) == 'table' then return notA(1, 'list') end
  local fields = redis.pcall('HMGET', KEYS[2], ...)
  if fields.err then return notA(2, 'hash') end
  return nil, length, fields
end
