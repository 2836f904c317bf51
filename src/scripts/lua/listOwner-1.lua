--[[
  Reads one page of an owner's index (see ownerIndex-1.lua), newest first, after a
  position: keyset pagination, so that writes between two pages neither repeat nor skip
  an entry that did not move. Entries are ordered by score, then by id (bytes), both
  descending, as ZRANGE ... REV orders them; the page after (s, m) holds the entries with
  score < s, or score == s and id < m. Writes nothing.

  KEYS[1]  the owner's index   (prefix .. '__owner__:{' .. owner .. '}')

  ARGV[1]  how many entries at most (a positive integer)
  ARGV[2]  the score of the last entry of the previous page, '' for the first page
  ARGV[3]  the id of that entry ('' for the first page)

  Returns: { now, id1, score1, id2, score2, ... }: this server's TIME in µs (readers prune
  only entries older than a grace period, by this clock), then the entries; or a WRONGTYPE
  error reply naming a key of another type.
  Cost: O(log N + count); when the cursor's entry has moved or gone since its page, plus
  the entries that share its score (with µs scores, almost never any).
]]
local index = KEYS[1]
local count, score, last = tonumber(ARGV[1]), ARGV[2], ARGV[3]

local refused = foreignIndex(index)
if refused then return refused end

local time = redis.call('TIME')
local reply = { time[1] .. string.format('%06d', tonumber(time[2])) }

local function append(entries, from)
  for i = from or 1, #entries, 2 do
    if (#reply - 1) / 2 >= count then return end
    reply[#reply + 1] = entries[i]
    reply[#reply + 1] = entries[i + 1]
  end
end

-- a < b comparing bytes, as the sorted set orders equal scores (Lua's < follows the locale).
local function precedes(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

if score == '' then
  append(redis.call('ZRANGE', index, 0, count - 1, 'REV', 'WITHSCORES'))
  return reply
end

local current = redis.call('ZSCORE', index, last)
if current and tonumber(current) == tonumber(score) then
  -- The cursor's entry is where the previous page left it: continue right after it.
  local rank = redis.call('ZREVRANK', index, last)
  append(redis.call('ZRANGE', index, rank + 1, rank + count, 'REV', 'WITHSCORES'))
  return reply
end

-- It moved (a newer write) or went: first the entries of the same score with a smaller id, then the older ones.
local offset, CHUNK, found = 0, 100, false
while (#reply - 1) / 2 < count do
  local tied = redis.call('ZRANGE', index, score, score, 'BYSCORE', 'REV', 'LIMIT', offset, CHUNK, 'WITHSCORES')
  -- Ids descend: once one is smaller than the cursor's, every later one is too.
  for i = 1, #tied, 2 do
    if found or precedes(tied[i], last) then
      found = true
      append(tied, i)
      break
    end
  end
  if #tied < 2 * CHUNK then break end
  offset = offset + CHUNK
end
local missing = count - (#reply - 1) / 2
if missing > 0 then
  append(redis.call('ZRANGE', index, '(' .. score, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, missing, 'WITHSCORES'))
end
return reply
