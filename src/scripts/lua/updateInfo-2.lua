--[[
  Changes the title and metadata of a conversation (update()), atomically,
  stamps updatedAt (and createdAt, owner and the session's initial info when
  the conversation is new: an update may create it before its first item),
  slides its expiry and publishes an 'info' change event.

  The metadata merge is computed by the caller from the stored value it read;
  the script applies it only if the stored value is still that one (else
  'conflict': read again and merge again).

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)
  KEYS[3]  optional: the owner's index, kept in this script on a single server (lib/info.lua)

  ARGV[1..11]  the session's arguments (named by lib/sessionArgs.lua: ttl,
               change events, owner, initial info; usage unused)
  ARGV[12]     the title: '' to leave it, '=' .. title to set it, '-' to remove it
  ARGV[13]     '' to leave the metadata; else '=' .. the stored metadata the merge was computed from
               ('=' alone: there was none)
  ARGV[14]     the new metadata (a JSON object), or '' to remove it

  Returns: 'updated' or 'conflict' (the stored metadata changed since it was
  read; nothing written); or, with nothing written, an OWNER, WRONGTYPE, NOPERM
  or ERR error reply (see lib/guards.lua and lib/info.lua).
  Cost: O(1) (the size of the metadata).
]]
local titleChange = ARGV[12]
local metadataExpected = ARGV[13]
local metadataNew = ARGV[14]

local refused, length, version, fields = readKeys(unpack(INFO_FIELDS))
if refused then return refused end
refused = readInfo(fields)
if refused then return refused end
if metadataExpected ~= '' then
  local stored = redis.call('HGET', KEYS[2], 'm') or ''
  if '=' .. stored ~= metadataExpected then return 'conflict' end
end
planInfo()
need(nil, 'HDEL', KEYS[2], 'ti')
planEvent(true)
planExpiry(ttl)
refused = refuseUnsafe(version)
if refused then return refused end

stampInfo(length, 0)
local first = string.sub(titleChange, 1, 1)
if first == '=' then
  redis.call('HSET', KEYS[2], 'ti', string.sub(titleChange, 2))
elseif first == '-' then
  redis.call('HDEL', KEYS[2], 'ti')
end
if metadataExpected ~= '' then
  if metadataNew == '' then
    redis.call('HDEL', KEYS[2], 'm')
  else
    redis.call('HSET', KEYS[2], 'm', metadataNew)
  end
end
publishChange('info', 0)
expireBoth(ttl)
return 'updated'
