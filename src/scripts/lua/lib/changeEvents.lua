--[[
  Prepended to every script that writes a conversation (see ../../index.ts),
  after lib/guards.lua, lib/sessionArgs.lua (which names the change-event
  arguments: eventsOn, eventsCarryItems, eventIdentity, prefixChannel, prefixChannelSharded) and
  lib/info.lua (serverTime):
  bumps the conversation's version and publishes a change event, in the same
  atomic script as the change.

  An event is one JSON object, built here by concatenating the already
  serialized items (never decoded in Lua):
  {"type", "conversationId", "keyPrefix", "version", "at", "count", optional "removed", optional "items"}

  Each event goes out twice: with SPUBLISH on the conversation's channel {<items key>}:events
  (RedisSession.subscribe), and on the store-wide feed channel ARGV[4] (watchConversations):
  PUBLISH on <prefix>__events__ on a single server, SPUBLISH on <prefix>__events__{<tag>},
  in the conversation's slot, on a Redis Cluster (lib/sessionArgs.lua).

  A script publishes only after planEvent (below, with lib/guards.lua) has checked, before
  its first write, that this user may run HINCRBY, TIME, SPUBLISH and PUBLISH (or SPUBLISH)
  on these keys and channels, and that the version field v can be incremented.
]]

-- Plans (lib/guards.lua) the change event of a write: HINCRBY of the version (unless bump is false: clear),
-- TIME and both publishes.
local function planEvent(bump)
  if not eventsOn then return end
  local otherwise = 'or set changeEvents: false'
  if bump then needVersionBump(otherwise) end
  need(otherwise, 'TIME')
  need(otherwise, 'SPUBLISH', '{' .. KEYS[1] .. '}:events', '')
  need(otherwise, prefixChannelSharded and 'SPUBLISH' or 'PUBLISH', prefixChannel, '')
end

-- Publishes one change event. items are ARGV[first .. last] (serialized, oldest first), or none.
local function sendChangeEvent(kind, version, count, first, last, extra)
  local at = serverTime()
  local parts = { '{"type":"', kind, '",', eventIdentity, ',"version":', string.format('%d', version),
    ',"at":', at, ',"count":', string.format('%d', count), extra or '' }
  if first and eventsCarryItems then
    parts[#parts + 1] = ',"items":['
    parts[#parts + 1] = table.concat(ARGV, ',', first, last)
    parts[#parts + 1] = ']'
  end
  parts[#parts + 1] = '}'
  local event = table.concat(parts)
  -- Sharded pub/sub: the channel hashes to the conversation's slot, so on a cluster it lives on the shard of its keys.
  redis.call('SPUBLISH', '{' .. KEYS[1] .. '}:events', event)
  -- The store-wide feed for watchConversations. On a cluster a plain PUBLISH would be broadcast to every node over
  -- the cluster bus: there the feed channel is sharded, in this slot, and reaches only this shard's nodes.
  redis.call(prefixChannelSharded and 'SPUBLISH' or 'PUBLISH', prefixChannel, event)
end

-- Bumps the version (HINCRBY on the metadata hash field v) and publishes the change, when events are on.
local function publishChange(kind, count, first, last, extra)
  if not eventsOn then return end
  local version = redis.call('HINCRBY', KEYS[2], 'v', 1)
  sendChangeEvent(kind, version, count, first, last, extra)
end
