--[[
  Reads what a fork copies from its source conversation (RedisSession.fork),
  in one consistent snapshot: the first `upTo` items and the title and
  metadata. A read: it writes nothing and does not slide the expiry.
  createFork-2.lua then writes the copy, on the copy's own cluster slot.

  KEYS[1]  items list      (prefix .. id) of the source
  KEYS[2]  metadata hash   ({prefix .. id}:meta) of the source

  ARGV[1]  upTo: how many of the oldest items to copy, or '' for all

  Returns one of:
    { 'copy', length, entries (oldest first), o, ti, m }  (fields false when absent)
    { 'outside', length }  upTo is greater than the length of the history
  or a WRONGTYPE error naming a key of another type.
  Cost: O(upTo).
]]
local refused, length, fields = readConversation('o', 'ti', 'm')
if refused then return refused end
local upTo = length
if ARGV[1] ~= '' then upTo = tonumber(ARGV[1]) end
if upTo > length then return { 'outside', length } end
local entries = {}
if upTo > 0 then entries = redis.call('LRANGE', KEYS[1], 0, upTo - 1) end
return { 'copy', length, entries, fields[1], fields[2], fields[3] }
