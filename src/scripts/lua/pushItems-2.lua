--[[
  Appends items to a conversation, all or none, slides its expiry and
  publishes an 'add' change event. With the replace flag set, the old history
  is dropped first: an atomic swap (used for compaction, event 'compaction').
  A key of another type is refused, never deleted; nothing is written
  unless every command the call will run is allowed (lib/guards.lua).

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)
  KEYS[3]  optional: the owner's index, kept in this script on a single server (lib/info.lua)

  ARGV[1..11]  the session's arguments (named by lib/sessionArgs.lua: ttl,
               change events, maxItems, overflow, owner, initial info, usage)
  ARGV[12]     "1" to replace the whole history, "0" to append
  ARGV[13..n]  serialized items, oldest first

  Stamps the conversation's info (lib/info.lua): createdAt when new, updatedAt,
  the usage of this write; a replacement starts a new generation.

  Returns: the length of the history afterwards, or, with nothing written, an
  OWNER error (another owner's conversation), a WRONGTYPE error naming a key of another type, a NOPERM error naming a command
  this user may not run, an ERR for a metadata field v HINCRBY cannot increment
  (see lib/guards.lua), or a HISTORYFULL error (overflow 'reject'). With overflow
  'trim', the oldest items beyond maxItems are dropped and the event says
  how many ("trimmed").
  Cost: O(N) in the items written (plus the items dropped, when replacing or trimming).
]]
local replace = ARGV[12] == '1'
local firstItem = 13
local adding = #ARGV - firstItem + 1

local refused, storedLength, version, fields = readKeys(unpack(INFO_FIELDS))
if refused then return refused end
refused = readInfo(fields)
if refused then return refused end
-- An append removes nothing (0); a replacement removes the whole history (nil).
local removed = 0
if replace then removed = nil end
local full, excess = checkLimit(storedLength, adding, removed)
if full then return full end
if replace then need(nil, 'DEL', KEYS[1]) end
if adding > 0 then need(nil, 'RPUSH', KEYS[1], '') end
planTrim(excess)
planInfo()
if replace then planGeneration() end
planEvent(true)
planExpiry(ttl)
refused = refuseUnsafe(version)
if refused then return refused end

if replace then redis.call('DEL', KEYS[1]) end
local length = callInChunks('RPUSH', KEYS[1], firstItem, #ARGV)
trimExcess(excess)
if replace then bumpGeneration() end
stampInfo(storedLength, adding)
publishChange(replace and 'compaction' or 'add', adding, firstItem, #ARGV, excess > 0 and (',"trimmed":' .. excess) or nil)
expireBoth(ttl)
return length - excess
