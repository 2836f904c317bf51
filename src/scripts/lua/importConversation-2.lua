--[[
  Writes one exported conversation, atomically, for the CLI's `import`
  command: its items, its metadata hash and its TTL. Idempotent: when the
  conversation already holds exactly this content, nothing is written. An
  existing conversation with different content is replaced only when ARGV[1]
  is '1'; keys of another type (written by another program) are never touched.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]        '1' to replace a conversation whose content differs, else '0'
  ARGV[2]        TTL in seconds to set on every key, or 0 for none
  ARGV[3]        n, the number of items
  ARGV[4..3+n]   the items, raw stored entries, oldest first
  ARGV[4+n..]    the metadata hash as field, value pairs

  Returns: 'imported', 'unchanged' (identical content already there),
           'refused' (different content, no overwrite) or 'wrongtype'.
  Cost: O(n + fields).
]]
local itemsType = redis.call('TYPE', KEYS[1]).ok
local metaType = redis.call('TYPE', KEYS[2]).ok
if (itemsType ~= 'none' and itemsType ~= 'list') or (metaType ~= 'none' and metaType ~= 'hash') then
  return 'wrongtype'
end
local n = tonumber(ARGV[3])
local firstField = 4 + n

if itemsType ~= 'none' or metaType ~= 'none' then
  local same = redis.call('LLEN', KEYS[1]) == n
  if same and n > 0 then
    local stored = redis.call('LRANGE', KEYS[1], 0, -1)
    for i = 1, n do
      if stored[i] ~= ARGV[3 + i] then
        same = false
        break
      end
    end
  end
  if same then
    same = redis.call('HLEN', KEYS[2]) * 2 == #ARGV - firstField + 1
  end
  if same then
    for i = firstField, #ARGV, 2 do
      if redis.call('HGET', KEYS[2], ARGV[i]) ~= ARGV[i + 1] then
        same = false
        break
      end
    end
  end
  if same then
    return 'unchanged'
  end
  if ARGV[1] ~= '1' then
    return 'refused'
  end
end

redis.call('DEL', KEYS[1], KEYS[2])
-- In chunks: unpack() of too many values overflows Lua's stack.
local chunk = 1000
for first = 4, 3 + n, chunk do
  redis.call('RPUSH', KEYS[1], unpack(ARGV, first, math.min(first + chunk - 1, 3 + n)))
end
for first = firstField, #ARGV, chunk * 2 do
  redis.call('HSET', KEYS[2], unpack(ARGV, first, math.min(first + chunk * 2 - 1, #ARGV)))
end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return 'imported'
