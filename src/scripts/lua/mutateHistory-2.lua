--[[
  Applies history mutations atomically. Today the only kind is
  replace_function_call: the first function_call item with the given callId
  is replaced, later ones with the same callId are removed, and nothing is
  added when no item matches (as the SDK's MemorySession does).

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)
  KEYS[3]  optional: the owner's index, kept in this script on a single server (lib/info.lua)

  ARGV[1..11]  the session's arguments, named by lib/sessionArgs.lua (maxItems,
               overflow, initial info and usage unused: a mutation never lengthens the history)
  then, from ARGV[12], for each mutation, three arguments:
    a plain-text needle (the callId as a JSON string) that every matching entry contains,
    the callId (unused: its UTF-8 form cannot hold a lone surrogate; the needle's JSON can),
    the serialized replacement item.

  Returns: the number of items replaced or removed (or, with nothing written, an
  OWNER, WRONGTYPE, NOPERM or ERR error reply: see lib/guards.lua and lib/info.lua).
  A mutation that changes items starts a new generation and stamps updatedAt. When it is not 0, a
  'mutation' change event carries it as its count (and no items: reload them).
  Cost: O(N) in the length of the history: a mutation has to find its item.
]]
local FIRST_MUTATION, PER_MUTATION = 12, 3

local refused, length, version, fields = readKeys(unpack(INFO_FIELDS))
if refused then return refused end
refused = readInfo(fields)
if refused then return refused end
local removedMarker = '\0agents-redis-session:removed\0'
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
local changed = 0
local removed = 0
local rewritten = {}

-- First, in Lua only: which entries each mutation replaces or removes. Then the plan is checked, then written.
for m = FIRST_MUTATION, #ARGV, PER_MUTATION do
  local needle, replacement = ARGV[m], ARGV[m + 2]
  -- The callId as the SDK compares it (===): decoded from its JSON text, which keeps lone surrogates apart.
  local callId = decodeItem(needle)
  local kept = false
  for i, entry in ipairs(entries) do
    if callId ~= nil and entry ~= removedMarker and string.find(entry, needle, 1, true) then
      local item = decodeItem(entry)
      if type(item) == 'table' and item.type == 'function_call' and item.callId == callId then
        if kept then
          entries[i] = removedMarker
          removed = removed + 1
        else
          entries[i] = replacement
          kept = true
        end
        rewritten[#rewritten + 1] = i
        changed = changed + 1
      end
    end
  end
end

if changed > 0 then
  need(nil, 'LSET', KEYS[1], '0', '')
  if removed > 0 then need(nil, 'LREM', KEYS[1], '0', removedMarker) end
  planInfo()
  planGeneration()
  planEvent(true)
end
planExpiry(ttl)
refused = refuseUnsafe(version)
if refused then return refused end

for _, i in ipairs(rewritten) do
  redis.call('LSET', KEYS[1], i - 1, entries[i])
end
if removed > 0 then
  redis.call('LREM', KEYS[1], 0, removedMarker)
end
if changed > 0 then
  bumpGeneration()
  stampInfo(length, 0)
  publishChange('mutation', changed)
end
expireBoth(ttl)
return changed
