--[[
  Applies one idempotent history transaction: checks that the history ends
  with the expected suffix, replaces that suffix, and records the operation id,
  all atomically. An append is a transaction whose expected suffix is empty.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1..4]           ttl and change-event arguments (see lib/changeEvents.lua)
  ARGV[5..6]           maxItems and overflow (see lib/historyLimit.lua)
  ARGV[7]              metadata field that records the operation ("op:" .. operationId)
  ARGV[8]              fingerprint of the transaction (a hash of its canonical JSON)
  ARGV[9]              S, the length of the expected suffix
  ARGV[10 .. 9+S]      the expected suffix, oldest first: serialized items, or, from an
                       encrypting session, "\1kid=fp\1kid=fp\1" (the item's fingerprint under each key)
  ARGV[10+S .. n]      the replacement items, serialized, oldest first

  Returns: 'applied', 'duplicate' (same operation id and transaction: nothing to do),
  'reused' (same operation id, different transaction), 'mismatch' (the suffix differs),
  or a HISTORYFULL error (overflow 'reject').
  Nothing is written unless the result is 'applied'; then a 'transaction'
  change event carries the replacement items and how many were removed.
  Cost: O(S + M), independent of the length of the history.
]]
local refused = refuseBeforeWriting()
if refused then return refused end
local ttl = tonumber(ARGV[1])
local field = ARGV[7]
local fingerprint = ARGV[8]
local suffixLength = tonumber(ARGV[9])

local recorded = redis.call('HGET', KEYS[2], field)
if recorded then
  if recorded == fingerprint then return 'duplicate' end
  return 'reused'
end

-- Items are compared as JSON values, so key order does not matter.
local function same(a, b)
  if a == b then return true end
  if type(a) ~= 'table' or type(b) ~= 'table' then return false end
  for k, v in pairs(a) do
    if not same(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

-- cjson decodes [] and {} to the same empty table and refuses lone surrogate
-- escapes (\ud800), both of which JSON.stringify writes. Rewrite them first:
-- an empty array (outside strings) into ["\1"], a surrogate escape (inside a
-- string) into \1 and its hex digits. JSON.stringify never writes a raw \1,
-- so the rewritten forms cannot collide with real data.
local function decodable(text)
  local out, pos, inString = {}, 1, false
  while true do
    local at = string.find(text, inString and '["\\]' or '["%[]', pos)
    if not at then break end
    local char = string.sub(text, at, at)
    if char == '"' then
      inString = not inString
      out[#out + 1] = string.sub(text, pos, at)
      pos = at + 1
    elseif char == '[' and string.sub(text, at + 1, at + 1) == ']' then
      out[#out + 1] = string.sub(text, pos, at - 1) .. '["\1"]'
      pos = at + 2
    elseif char == '\\' and string.find(text, '^u[dD][89a-fA-F]', at + 1) then
      out[#out + 1] = string.sub(text, pos, at - 1) .. '\1'
      pos = at + 1
    else
      -- '[' that opens a non-empty array, or an escape to keep as it is.
      local last = char == '\\' and at + 1 or at
      out[#out + 1] = string.sub(text, pos, last)
      pos = last + 1
    end
  end
  out[#out + 1] = string.sub(text, pos)
  return table.concat(out)
end

local function sameEntry(stored, expected)
  if stored == expected then return true end
  if string.byte(expected, 1) == 1 then
    -- Encrypted items: compare the stored entry's keyed fingerprint with the expected item's under that key.
    local kid, fp = string.match(stored, '^{"%$enc":1,"kid":"([^"]*)","iv":"[^"]*","ct":"[^"]*","fp":"([^"]*)"')
    return kid ~= nil and string.find(expected, '\1' .. kid .. '=' .. fp .. '\1', 1, true) ~= nil
  end
  local okStored, storedValue = pcall(cjson.decode, decodable(stored))
  local okExpected, expectedValue = pcall(cjson.decode, decodable(expected))
  return okStored and okExpected and same(storedValue, expectedValue)
end

if suffixLength > 0 then
  if redis.call('LLEN', KEYS[1]) < suffixLength then return 'mismatch' end
  local actual = redis.call('LRANGE', KEYS[1], -suffixLength, -1)
  for i = 1, suffixLength do
    if not sameEntry(actual[i], ARGV[9 + i]) then return 'mismatch' end
  end
end

local first = 10 + suffixLength
local full = refuseOverflow(#ARGV - first + 1, suffixLength)
if full then return full end
if suffixLength > 0 then
  redis.call('LTRIM', KEYS[1], 0, -suffixLength - 1)
end
local chunk = 1000
for from = first, #ARGV, chunk do
  redis.call('RPUSH', KEYS[1], unpack(ARGV, from, math.min(from + chunk - 1, #ARGV)))
end
local trimmed = trimOverflow()
redis.call('HSET', KEYS[2], field, fingerprint)
publishChange('transaction', #ARGV - first + 1, first, #ARGV,
  ',"removed":' .. suffixLength .. (trimmed > 0 and (',"trimmed":' .. trimmed) or ''))
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return 'applied'
