--[[
  Writes a fork (RedisSession.fork): a NEW conversation holding the items
  copied from its source (forkSource-2.lua), its title and metadata, and
  its lineage (fields pc and pu, lib/info.lua), all or nothing. Sets the
  expiry and publishes an 'add' change event (an 'info' event when no item
  was copied). Runs on the copy's keys: the source may be on another shard.

  KEYS[1]  items list      (prefix .. id) of the copy
  KEYS[2]  metadata hash   ({prefix .. id}:meta) of the copy
  KEYS[3]  optional: the owner's index, kept in this script on a single server (lib/info.lua)

  ARGV[1..11]  the COPY's session arguments (lib/sessionArgs.lua): ttl,
               change events, maxItems, overflow, owner; the initial title,
               metadata and usage are not used
  ARGV[12]     the source's conversation id (field pc)
  ARGV[13]     upTo: how many of the source's items were copied (field pu)
  ARGV[14]     the title to copy, or '' for none
  ARGV[15]     the metadata JSON to copy, or '' for none
  ARGV[16..n]  serialized items, oldest first (encoded for the copy)

  maxItems applies as to any write (lib/historyLimit.lua): with overflow
  'reject' a fork longer than maxItems is refused; with 'trim' the oldest
  copied items beyond it are dropped (and counted in h).

  Returns: the length of the copy's history, or, with nothing written, an
  EXISTS error (the copy's conversation already exists: items or a metadata
  hash), a WRONGTYPE, NOPERM or ERR error (lib/guards.lua) or HISTORYFULL.
  Cost: O(N) in the items copied. Commands: TYPE, RPUSH, LTRIM and HINCRBY (maxItems trimming),
  HSET, TIME, HINCRBY, SPUBLISH and PUBLISH (events), EXPIRE.
]]
local parentId = ARGV[12]
local upTo = ARGV[13]
local title = ARGV[14]
local metadata = ARGV[15]
local firstItem = 16
local adding = #ARGV - firstItem + 1

-- TYPE of both keys (refusing another type): the copy must not exist at all, items or metadata.
local refused, itemsType, metaType = refuseForeignKeys()
if refused then return refused end
refused = refuseForeignIndex()
if refused then return refused end
if itemsType ~= 'none' or metaType ~= 'none' then
  return redis.error_reply('EXISTS conversation ' .. KEYS[1] .. ' already exists. Nothing was written. ' ..
    'Fork into another conversation id (or omit it for a new UUID).')
end
local full, excess = checkLimit(0, adding, 0)
if full then return full end
if adding > 0 then need(nil, 'RPUSH', KEYS[1], '') end
planTrim(excess)
need(nil, 'TIME')
need(nil, 'HSET', KEYS[2], 'c', '0')
planIndex()
planEvent(true)
planExpiry(ttl)
-- No version field to check: the metadata hash does not exist.
refused = refuseUnsafe(nil)
if refused then return refused end

callInChunks('RPUSH', KEYS[1], firstItem, #ARGV)
trimExcess(excess)
local now = serverTime()
local fields = { 'c', now, 'u', now, 'pc', parentId, 'pu', upTo }
withField(fields, 'o', owner)
withField(fields, 'ti', title)
withField(fields, 'm', metadata)
redis.call('HSET', KEYS[2], unpack(fields))
indexConversation()
if adding > 0 then
  publishChange('add', adding, firstItem, #ARGV, excess > 0 and (',"trimmed":' .. excess) or nil)
else
  publishChange('info', 0)
end
expireBoth(ttl)
return adding - excess
