--[[
  Prepended, right after lib/guards.lua, to every script a session runs to
  write (see ../../index.ts): names the ARGV they all take first. The TS side
  builds them once per conversation (src/scripts/scriptContext.ts), and
  ARGV[10] per call.

  ARGV[1]   ttl in seconds, or 0 for no expiry
  ARGV[2]   change events: '0' off, '1' on with the items, '2' on with only their count
  ARGV[3]   the event's identity, a JSON fragment: "conversationId":<json>,"keyPrefix":<json>
  ARGV[4]   the store-wide feed channel, for watchConversations: on a single server or Sentinel the
            key prefix's channel <prefix>__events__ (PUBLISH); on a Redis Cluster the feed channel of
            the conversation's slot, <prefix>__events__{<tag>} (SPUBLISH, seen only by that slot's shard,
            not broadcast to every node; src/events/feedChannels.ts). A channel ending in '}' (prefixes
            hold no braces, so only a feed channel does) is published sharded.
  ARGV[5]   maxItems: the longest history allowed, or 0 for no limit
  ARGV[6]   overflow: 'trim' (drop the oldest items after the write) or 'reject'
  ARGV[7]   the session's owner, or '' for none (lib/info.lua)
  ARGV[8]   the title a new conversation starts with, or '' for none
  ARGV[9]   the metadata (a JSON object) a new conversation starts with, or '' for none
  ARGV[10]  token usage recorded with this write, or '': 'requests,input,output,total,cached,reasoning'
  ARGV[11]  the conversation id: its member in the owner's index (KEYS[3], when a write is given it: lib/info.lua)

  A script's own arguments start at ARGV[12].
]]
local ttl = tonumber(ARGV[1])
local eventsOn = ARGV[2] ~= '0'
local eventsCarryItems = ARGV[2] == '1'
local eventIdentity = ARGV[3]
local prefixChannel = ARGV[4]
local prefixChannelSharded = string.sub(prefixChannel, -1) == '}'
local maxItems = tonumber(ARGV[5])
local overflow = ARGV[6]
local owner = ARGV[7]
local initialTitle = ARGV[8]
local initialMetadata = ARGV[9]
local usageRecorded = ARGV[10]
local conversationId = ARGV[11]
