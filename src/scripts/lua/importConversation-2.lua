--[[
  Writes one exported conversation, atomically, for the CLI's `import`
  command: its items, its metadata hash and its expiry. Idempotent: when the
  conversation already holds exactly this content, nothing is written. An
  existing conversation with different content is replaced only when ARGV[1]
  is '1'; keys of another type (written by another program) are never touched.
  A conversation whose expiry has passed (by the server's TIME) is not written.
  Nothing can fail after the first write: types, expiry and the user's ACL for
  every writing command (DEL, RPUSH, HSET, PEXPIREAT) are checked first
  (need and refuseUnsafe of lib/guards.lua, sent in front of this script with
  lib/chunks.lua).

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]        '1' to replace a conversation whose content differs, else '0'
  ARGV[2]        when it expires, in ms since the epoch (server clock), or '0' for never
  ARGV[3]        n, the number of items (at least 1: the CLI skips empty conversations)
  ARGV[4..3+n]   the items, raw stored entries, oldest first
  ARGV[4+n..]    the metadata hash as field, value pairs

  Returns: 'imported', 'unchanged' (identical content already there),
           'expired' (ARGV[2] is not after the server's TIME; nothing written),
           'refused' (different content, no overwrite) or 'wrongtype';
           a NOPERM error reply, before any write, naming a command the user may not run.
  Cost: O(n + fields).
]]
local overwrite = ARGV[1] == '1'
local expiresAt = ARGV[2]
local itemCount = tonumber(ARGV[3])
local firstItem = 4
local lastItem = 3 + itemCount
local firstField = lastItem + 1
local hasFields = #ARGV >= firstField

-- Whether the stored conversation holds exactly these items and these metadata fields.
local function holdsThisContent()
  if redis.call('LLEN', KEYS[1]) ~= itemCount then return false end
  if itemCount > 0 then
    local stored = redis.call('LRANGE', KEYS[1], 0, -1)
    for i = 1, itemCount do
      if stored[i] ~= ARGV[firstItem - 1 + i] then return false end
    end
  end
  if redis.call('HLEN', KEYS[2]) * 2 ~= #ARGV - firstField + 1 then return false end
  for i = firstField, #ARGV, 2 do
    if redis.call('HGET', KEYS[2], ARGV[i]) ~= ARGV[i + 1] then return false end
  end
  return true
end

if expiresAt ~= '0' then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  if tonumber(expiresAt) <= now then
    return 'expired'
  end
end

local itemsType = redis.call('TYPE', KEYS[1]).ok
local metaType = redis.call('TYPE', KEYS[2]).ok
if (itemsType ~= 'none' and itemsType ~= 'list') or (metaType ~= 'none' and metaType ~= 'hash') then
  return 'wrongtype'
end
if itemsType ~= 'none' or metaType ~= 'none' then
  if holdsThisContent() then return 'unchanged' end
  if not overwrite then return 'refused' end
end

-- Redis does not roll back a script: a command the ACL denies after DEL would leave the conversation half written.
need(nil, 'DEL', KEYS[1], KEYS[2])
if itemCount > 0 then need(nil, 'RPUSH', KEYS[1], '') end
if hasFields then need(nil, 'HSET', KEYS[2], 'f', '') end
if expiresAt ~= '0' then
  need(nil, 'PEXPIREAT', KEYS[1], expiresAt)
  if hasFields then need(nil, 'PEXPIREAT', KEYS[2], expiresAt) end
end
local refused = refuseUnsafe(false)
if refused then return refused end

redis.call('DEL', KEYS[1], KEYS[2])
callInChunks('RPUSH', KEYS[1], firstItem, lastItem)
-- Field, value pairs: an even number per call.
callInChunks('HSET', KEYS[2], firstField, #ARGV, CHUNK * 2)
if expiresAt ~= '0' then
  redis.call('PEXPIREAT', KEYS[1], expiresAt)
  if hasFields then
    redis.call('PEXPIREAT', KEYS[2], expiresAt)
  end
end
return 'imported'
