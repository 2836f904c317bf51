--[[
  Applies one idempotent history transaction: checks that the history ends
  with the expected suffix, replaces that suffix, and records the operation id,
  all atomically. An append is a transaction whose expected suffix is empty.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)
  KEYS[3]  optional: the owner's index, kept in this script on a single server (lib/info.lua)

  ARGV[1..11]          the session's arguments (named by lib/sessionArgs.lua: ttl,
                       change events, maxItems, overflow, owner, initial info, usage)
  ARGV[12]             metadata field that records the operation ("op:" .. operationId)
  ARGV[13]             fingerprint of the transaction (a hash of its canonical JSON)
  ARGV[14]             S, the length of the expected suffix
  ARGV[15 .. 14+S]     the expected suffix, oldest first: "\2fp\2json" (the item's content fingerprint,
                       which a compressed entry carries, and its JSON), or, from an
                       encrypting session, "\1kid=fp\1kid=fp\1" (the item's fingerprint under each key)
  ARGV[15+S .. n]      the replacement items, serialized, oldest first

  Returns: 'applied', 'duplicate' (same operation id and transaction: nothing to do),
  'reused' (same operation id, different transaction), 'mismatch' (the suffix differs),
  or, with nothing written, a HISTORYFULL error (overflow 'reject') or an
  OWNER, WRONGTYPE, NOPERM or ERR error reply (see lib/guards.lua and lib/info.lua).
  An applied transaction stamps the info (lib/info.lua); one that replaces a
  suffix starts a new generation.
  Nothing is written unless the result is 'applied'; then a 'transaction'
  change event carries the replacement items and how many were removed.
  Cost: O(S + M), independent of the length of the history.
]]
local field = ARGV[12]
local fingerprint = ARGV[13]
local suffixLength = tonumber(ARGV[14])
local firstExpected = 15
local firstItem = firstExpected + suffixLength

local refused, length, version, fields = readKeys(unpack(INFO_FIELDS))
if refused then return refused end
refused = readInfo(fields)
if refused then return refused end

local recorded = redis.call('HGET', KEYS[2], field)
if recorded then
  if recorded == fingerprint then return 'duplicate' end
  return 'reused'
end

local function sameEntry(stored, expected)
  if stored == expected then return true end
  if string.byte(expected, 1) == 1 then
    -- Encrypted items: compare the stored entry's keyed fingerprint with the expected item's under that key.
    local kid, fp = string.match(stored, '^{"%$enc":1,"kid":"([^"]*)","iv":"[^"]*","ct":"[^"]*","fp":"([^"]*)"')
    return kid ~= nil and string.find(expected, '\1' .. kid .. '=' .. fp .. '\1', 1, true) ~= nil
  end
  if string.byte(expected, 1) == 2 then
    -- A compressed entry (src/compression/compressedEntry.ts) is compared by its content fingerprint, a plain one by its JSON value.
    local fp, json = string.match(expected, '^\2([^\2]*)\2(.*)$')
    local storedFp = string.match(stored, '^{"%$z":"[^"]*","fp":"([^"]*)"')
    if storedFp ~= nil then return storedFp == fp end
    if stored == json then return true end
    expected = json
  end
  local storedValue, expectedValue = decodeItem(stored), decodeItem(expected)
  return storedValue ~= nil and expectedValue ~= nil and same(storedValue, expectedValue)
end

if suffixLength > 0 then
  if length < suffixLength then return 'mismatch' end
  local actual = redis.call('LRANGE', KEYS[1], -suffixLength, -1)
  for i = 1, suffixLength do
    if not sameEntry(actual[i], ARGV[firstExpected - 1 + i]) then return 'mismatch' end
  end
end

local adding = #ARGV - firstItem + 1
local full, excess = checkLimit(length, adding, suffixLength)
if full then return full end
if suffixLength > 0 then need(nil, 'LTRIM', KEYS[1], '0', tostring(-suffixLength - 1)) end
if adding > 0 then need(nil, 'RPUSH', KEYS[1], '') end
planTrim(excess)
need(nil, 'HSET', KEYS[2], field, fingerprint)
planInfo()
if suffixLength > 0 then planGeneration() end
planEvent(true)
planExpiry(ttl)
refused = refuseUnsafe(version)
if refused then return refused end

if suffixLength > 0 then
  redis.call('LTRIM', KEYS[1], 0, -suffixLength - 1)
end
callInChunks('RPUSH', KEYS[1], firstItem, #ARGV)
trimExcess(excess)
redis.call('HSET', KEYS[2], field, fingerprint)
if suffixLength > 0 then bumpGeneration() end
stampInfo(length, adding)
publishChange('transaction', adding, firstItem, #ARGV,
  ',"removed":' .. suffixLength .. (excess > 0 and (',"trimmed":' .. excess) or ''))
expireBoth(ttl)
return 'applied'
