--[[
  Sets (or removes) the expiry of every key of one conversation at once, for
  the CLI's `expire` command. Refuses a conversation that does not exist, and
  keys of another type (written by another program), changing nothing.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]  seconds until expiry, or 0 to remove the expiry (PERSIST)

  Returns: the number of keys of the conversation (1 or 2) on success,
           -1 when neither key exists, -2 when a key has the wrong type, or a
           NOPERM error naming the command this user may not run (nothing changed;
           lib/guards.lua is sent in front of this script).
  Cost: O(1).
]]
local seconds = tonumber(ARGV[1])

local itemsType = redis.call('TYPE', KEYS[1]).ok
local metaType = redis.call('TYPE', KEYS[2]).ok
if (itemsType ~= 'none' and itemsType ~= 'list') or (metaType ~= 'none' and metaType ~= 'hash') then
  return -2
end
if itemsType == 'none' and metaType == 'none' then
  return -1
end
for i, kind in ipairs({ itemsType, metaType }) do
  if kind ~= 'none' then
    if seconds > 0 then need(nil, 'EXPIRE', KEYS[i], ARGV[1]) else need(nil, 'PERSIST', KEYS[i]) end
  end
end
local refused = refuseUnsafe()
if refused then return refused end
local existing = 0
for i, kind in ipairs({ itemsType, metaType }) do
  if kind ~= 'none' then
    existing = existing + 1
    if seconds > 0 then redis.call('EXPIRE', KEYS[i], seconds) else redis.call('PERSIST', KEYS[i]) end
  end
end
return existing
