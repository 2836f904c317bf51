--[[
  Prepended to the scripts that slide a conversation's expiry (see ../../index.ts),
  after lib/guards.lua: both keys get the same TTL, in the same atomic script as the change.
]]

-- Plans (lib/guards.lua) the EXPIRE of both keys, when there is a TTL (ttl > 0).
local function planExpiry(ttl)
  if ttl == 0 then return end
  need('or drop the ttl option', 'EXPIRE', KEYS[1], tostring(ttl))
  need('or drop the ttl option', 'EXPIRE', KEYS[2], tostring(ttl))
end

-- Sets the expiry of both keys to `ttl` seconds; nothing when ttl is 0 (no expiry).
local function expireBoth(ttl)
  if ttl > 0 then
    redis.call('EXPIRE', KEYS[1], ttl)
    redis.call('EXPIRE', KEYS[2], ttl)
  end
end
