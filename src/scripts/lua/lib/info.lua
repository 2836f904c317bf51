--[[
  Prepended, after lib/guards.lua and lib/sessionArgs.lua, to every script
  that writes a conversation (see ../../index.ts): keeps the conversation's
  info in its metadata hash (KEYS[2]), in the same atomic script as the change.

  Fields (short names: they are stored once per conversation):
    c          createdAt, ms since the epoch (server TIME), set by the write that creates the conversation
    u          updatedAt, ms, set by every change
    o          owner (ARGV[7]), set by the first write of a session that has one; never changed after
    ti, m      title, and metadata (a JSON object): ARGV[8] and ARGV[9] on creation, then updateInfo-2.lua
    pc, pu     the conversation id and upTo of the conversation this one was forked from
    g          generation: +1 whenever items are removed or rewritten other than by maxItems trimming the
               oldest (pop, compaction, replace_suffix, mutation); history page cursors carry it
    h          head: how many of the oldest items maxItems has trimmed, ever (a page cursor counts
               positions from the first item ever written)
    ur ui uo ut uc ux   usage totals: requests, input, output, total, cached input and reasoning output tokens
    tn         usage turns recorded; t:<n> is turn n: 'at,items,requests,input,output,total,cached,reasoning'

  KEYS[3], when a write is given it, is the owner's index (a sorted set, lib/ownerIndexType.lua): on a single
  server (not a cluster, where it lives on another slot) the write keeps it in the same script: stampInfo
  scores the conversation (member ARGV[11]) with the write's TIME in µs, ZADD GT. See src/conversations/ownerIndex.ts.

  A writing script calls, before its first write: readKeys(unpack(INFO_FIELDS))
  (lib/guards.lua), then readInfo (refuses another owner's conversation) and
  planInfo (the ACL of what stampInfo runs, and the counters it increments).
  After its write, stampInfo. Scripts that remove or rewrite items plan and call
  bumpGeneration. A counter is checked (an integer HINCRBY takes) only by a plan
  that increments it (needCounter): a field this write does not touch never refuses it.
]]

-- The fields readKeys reads for this library: the owner, createdAt, and the counters it increments.
local INFO_FIELDS = { 'o', 'c', 'g', 'h', 'ur', 'ui', 'uo', 'ut', 'uc', 'ux', 'tn' }
local USAGE_TOTALS = { 'ur', 'ui', 'uo', 'ut', 'uc', 'ux' }

local storedOwner, createdAt = false, false
-- The HMGET reply of readKeys: v, then INFO_FIELDS in order (false when absent); needCounter checks the counters.
local storedFields = {}
-- The six usage numbers of ARGV[10] (readInfo parses and checks them).
local usageValues = {}
local clock, clockMicros = nil, nil
-- The owner's index this write keeps, or nil (see the header).
local ownerIndex = KEYS[3]

-- The server's time in ms since the epoch, as a string, and in µs; one TIME per script run.
local function serverTime()
  if not clock then
    local time = redis.call('TIME')
    clock = time[1] .. string.format('%03d', math.floor(tonumber(time[2]) / 1000))
    clockMicros = time[1] .. string.format('%06d', tonumber(time[2]))
  end
  return clock, clockMicros
end

-- The WRONGTYPE error reply when the owner's index this write keeps holds another type, else nil.
local function refuseForeignIndex()
  if ownerIndex then return foreignIndex(ownerIndex) end
  return nil
end

-- Plans (lib/guards.lua) the index update of indexConversation.
local function planIndex()
  if ownerIndex then need(nil, 'ZADD', ownerIndex, 'GT', '0', conversationId) end
end

-- Lists the conversation in its owner's index, or moves it to the top (never down: GT), at this script's TIME.
local function indexConversation()
  if not ownerIndex then return end
  local _, micros = serverTime()
  redis.call('ZADD', ownerIndex, 'GT', micros, conversationId)
end

-- The OWNER error reply for a conversation that belongs to `stored`, when that is not this session's owner
-- (nil when it is, or when the conversation has none). It never names the stored owner.
local function ownerRefusal(stored)
  if not stored or stored == owner then return nil end
  local fix = owner == '' and 'Pass its owner in the owner option' or 'Open it with the owner it belongs to'
  return redis.error_reply(string.format(
    'OWNER conversation %s belongs to %s. Nothing was changed. %s.',
    KEYS[1], owner == '' and 'an owner, and this session has none' or 'another owner than this session', fix))
end

-- Takes in the conversation's owner, createdAt and counters: `fields` is the HMGET reply of
-- readKeys(unpack(INFO_FIELDS)) (v, then INFO_FIELDS: o and c first). Returns an error reply when this session
-- may not write the conversation (a foreign key at its owner's index, another owner's conversation, a malformed
-- usage argument), else nil. The counters are checked later, by the plans that increment them (needCounter).
local function readInfo(fields)
  local foreign = refuseForeignIndex()
  if foreign then return foreign end
  storedFields = fields
  storedOwner, createdAt = fields[2], fields[3]
  local refused = ownerRefusal(storedOwner)
  if refused then return refused end
  if usageRecorded ~= '' then
    usageValues = { string.match(usageRecorded, '^(%d+),(%d+),(%d+),(%d+),(%d+),(%d+)$') }
    local valid = #usageValues == 6
    for _, value in ipairs(usageValues) do valid = valid and #value <= 15 end
    if not valid then
      return redis.error_reply('ERR the usage argument must be six integers of at most 15 digits. Nothing was changed.')
    end
  end
  return nil
end

-- Plans the HINCRBY of counter `name`: keeps (as need() does, lib/guards.lua) a refusal when its stored value
-- is not an integer HINCRBY can increment by what this library adds.
local function needCounter(name)
  if refusal then return end
  local value = false
  for i, field in ipairs(INFO_FIELDS) do
    if field == name then value = storedFields[i + 1] end
  end
  if not value then return end
  -- Increments are at most 15 digits (the TS side sends safe integers), so 18 digits cannot overflow.
  local problem = versionProblem(value) or (#value > 18 and 'is too large to increment')
  if problem then
    refusal = redis.error_reply(string.format(
      'ERR the field %s of %s %s (another program wrote it). Nothing was changed. Repair it with HDEL %s %s.',
      name, KEYS[2], problem, KEYS[2], name))
  end
end

-- Appends `name` and `value` to a list of HSET arguments, unless value is '' (none).
local function withField(fields, name, value)
  if value ~= '' then
    fields[#fields + 1] = name
    fields[#fields + 1] = value
  end
end

-- Plans (lib/guards.lua) what stampInfo runs.
local function planInfo()
  need(nil, 'TIME')
  need(nil, 'HSET', KEYS[2], 'u', '0')
  planIndex()
  if usageRecorded ~= '' then
    need(nil, 'HINCRBY', KEYS[2], 'ur', '1')
    for _, name in ipairs(USAGE_TOTALS) do needCounter(name) end
    needCounter('tn')
  end
end

-- Plans (lib/guards.lua) the HINCRBY of bumpGeneration.
local function planGeneration()
  need(nil, 'HINCRBY', KEYS[2], 'g', '1')
  needCounter('g')
end

-- Marks that items were removed or rewritten: history page cursors taken before are no longer valid.
local function bumpGeneration()
  redis.call('HINCRBY', KEYS[2], 'g', 1)
end

-- Stamps a change: createdAt with the initial owner, title and metadata when the conversation is new (it had
-- no items and no createdAt: `length` is the length before the write), updatedAt, and the usage of the write.
local function stampInfo(length, itemsWritten)
  local now = serverTime()
  local fields = { 'u', now }
  if not createdAt and length == 0 then
    withField(fields, 'c', now)
    withField(fields, 'ti', initialTitle)
    withField(fields, 'm', initialMetadata)
  end
  if not storedOwner then withField(fields, 'o', owner) end
  redis.call('HSET', KEYS[2], unpack(fields))
  indexConversation()
  if usageRecorded == '' then return end
  for i, value in ipairs(usageValues) do
    if value ~= '0' then redis.call('HINCRBY', KEYS[2], USAGE_TOTALS[i], value) end
  end
  local turn = redis.call('HINCRBY', KEYS[2], 'tn', 1)
  redis.call('HSET', KEYS[2], 't:' .. turn, now .. ',' .. itemsWritten .. ',' .. usageRecorded)
end
