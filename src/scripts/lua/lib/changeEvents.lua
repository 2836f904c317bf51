--[[
  Prepended to every script that writes a conversation (see ../../index.ts):
  bumps the conversation's version and publishes a change event, in the same
  atomic script as the change. Every such script takes the same first ARGV:

  ARGV[1]  ttl in seconds, or 0 for no expiry
  ARGV[2]  change events: '0' off, '1' on with the items, '2' on with only their count
  ARGV[3]  the event's identity, a JSON fragment: "conversationId":<json>,"keyPrefix":<json>
  ARGV[4]  the key prefix's channel (<prefix>__events__), for watchConversations

  An event is one JSON object, built here by concatenating the already
  serialized items (never decoded in Lua):
  {"type", "conversationId", "keyPrefix", "version", "at", "count", optional "removed", optional "items"}

  A script publishes only after planEvent (lib/guards.lua) has checked, before
  its first write, that this user may run HINCRBY, TIME, SPUBLISH and PUBLISH
  on these keys and channels, and that the version field v can be incremented.
]]

-- Publishes one change event. items are ARGV[first .. last] (serialized, oldest first), or none.
local function sendChangeEvent(kind, version, count, first, last, extra)
  local time = redis.call('TIME')
  local at = time[1] .. string.format('%03d', math.floor(tonumber(time[2]) / 1000))
  local parts = { '{"type":"', kind, '",', ARGV[3], ',"version":', string.format('%d', version),
    ',"at":', at, ',"count":', string.format('%d', count), extra or '' }
  if first and ARGV[2] == '1' then
    parts[#parts + 1] = ',"items":['
    parts[#parts + 1] = table.concat(ARGV, ',', first, last)
    parts[#parts + 1] = ']'
  end
  parts[#parts + 1] = '}'
  local event = table.concat(parts)
  -- Sharded pub/sub: the channel hashes to the conversation's slot, so on a cluster it lives on the shard of its keys.
  redis.call('SPUBLISH', '{' .. KEYS[1] .. '}:events', event)
  -- Plain pub/sub for watchConversations. On a cluster, PUBLISH is broadcast to every node over the cluster bus.
  redis.call('PUBLISH', ARGV[4], event)
end

-- Bumps the version (HINCRBY on the metadata hash field v) and publishes the change, when events are on.
local function publishChange(kind, count, first, last, extra)
  if ARGV[2] == '0' then return end
  local version = redis.call('HINCRBY', KEYS[2], 'v', 1)
  sendChangeEvent(kind, version, count, first, last, extra)
end
