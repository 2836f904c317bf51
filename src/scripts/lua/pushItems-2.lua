--[[
  Appends items to a conversation, all or none, slides its expiry and
  publishes an 'add' change event. With the replace flag set, the old history
  is dropped first: an atomic swap (used for compaction, event 'compaction').
  A key of another type is refused, never deleted. Appends without a TTL and
  without change events need no script: they are a plain RPUSH.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1..4]   ttl and change-event arguments (see lib/changeEvents.lua)
  ARGV[5..6]   maxItems and overflow (see lib/historyLimit.lua)
  ARGV[7]      "1" to replace the whole history, "0" to append
  ARGV[8..n]   serialized items, oldest first

  Returns: the length of the history afterwards, a WRONGTYPE error, or a
  HISTORYFULL error (overflow 'reject'; nothing written). With overflow
  'trim', the oldest items beyond maxItems are dropped and the event says
  how many ("trimmed").
  Cost: O(N) in the items written (plus the items dropped, when replacing or trimming).
]]
local refused = refuseBeforeWriting()
if refused then return refused end
local ttl = tonumber(ARGV[1])
local replace = ARGV[7] == '1'
local first = 8
local adding = #ARGV - first + 1
if replace then
  -- (An append needs no check: LLEN and RPUSH fail on another type, before anything is written.)
  local kind = redis.call('TYPE', KEYS[1]).ok
  if kind ~= 'list' and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE Operation against a key holding the wrong kind of value')
  end
end
-- An append removes nothing (0); a replacement removes the whole history (nil).
local removed = 0
if replace then removed = nil end
local full = refuseOverflow(adding, removed)
if full then return full end
if replace then redis.call('DEL', KEYS[1]) end
local length = 0
local chunk = 1000
for from = first, #ARGV, chunk do
  length = redis.call('RPUSH', KEYS[1], unpack(ARGV, from, math.min(from + chunk - 1, #ARGV)))
end
local trimmed = trimOverflow()
publishChange(replace and 'compaction' or 'add', adding, first, #ARGV, trimmed > 0 and (',"trimmed":' .. trimmed) or nil)
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return length - trimmed
