--[[
  Prepended to every script that writes a conversation (see ../../index.ts), in
  front of the other libraries. Redis does not roll back a script's writes when
  a later command fails, so a script must not fail after its first write. Every
  writing script therefore, before it writes anything:

  1. refuseForeignKeys(): KEYS[1] must be a list (or absent) and KEYS[2] a hash
     (or absent); otherwise a WRONGTYPE error naming the key.
  2. lists, in a plan, every command it will run from its first write on, with
     the real keys, channels and values (plan, planEvent, planExpiry), and
  3. refuseUnsafe(plan): checks each with redis.acl_check_cmd (command, key
     and channel permissions), then, when the plan bumps the version, that the
     metadata field v is an integer HINCRBY can increment. A NOPERM or ERR
     error reply names what is missing and what to grant or repair.

  The keys themselves need no check beyond the type: EVAL refuses a user who
  may not read and write every key passed to it before the script runs.
]]

local EXPECTED_TYPES = { 'list', 'hash' }

-- An error reply naming the key when KEYS[1] or KEYS[2] holds another type; else nil and both types.
local function refuseForeignKeys()
  local kinds = {}
  for i = 1, 2 do
    local kind = redis.call('TYPE', KEYS[i]).ok
    if kind ~= 'none' and kind ~= EXPECTED_TYPES[i] then
      return redis.error_reply(string.format(
        'WRONGTYPE %s holds a %s, not a %s: another program wrote it. Nothing was changed. ' ..
        'Use a different keyPrefix or conversationId, or delete that key if nothing needs it.',
        KEYS[i], kind, EXPECTED_TYPES[i]))
    end
    kinds[i] = kind
  end
  return nil, kinds[1], kinds[2]
end

-- Adds a command to a plan: steps[n] = { command, args... }, and .otherwise: how to do without it.
local function plan(steps, otherwise, command, ...)
  local step = { command, ... }
  step.otherwise = otherwise or 'as docs/security.md lists for the application user'
  steps[#steps + 1] = step
end

-- The change event of a write: HINCRBY of the version (unless bump is false: clear), TIME and both publishes.
local function planEvent(steps, bump)
  if ARGV[2] == '0' then return end
  local otherwise = 'or set changeEvents: false'
  if bump then
    plan(steps, otherwise, 'HINCRBY', KEYS[2], 'v', '1')
    steps.bumpsVersion = true
  end
  plan(steps, otherwise, 'TIME')
  plan(steps, otherwise, 'SPUBLISH', '{' .. KEYS[1] .. '}:events', '')
  plan(steps, otherwise, 'PUBLISH', ARGV[4], '')
end

-- The sliding expiry of both keys, when the session has a TTL.
local function planExpiry(steps)
  if tonumber(ARGV[1]) == 0 then return end
  plan(steps, 'or drop the ttl option', 'EXPIRE', KEYS[1], ARGV[1])
  plan(steps, 'or drop the ttl option', 'EXPIRE', KEYS[2], ARGV[1])
end

local MAX_VERSION = '9223372036854775807'

-- Why the metadata field v cannot be incremented by HINCRBY, or nil when it can (or is absent).
-- HINCRBY takes a signed 64-bit integer in canonical form: no sign '+', no leading zeros, no spaces, not '-0'.
local function versionProblem(v)
  if v == false or v == nil then return nil end
  local digits = v == '0' and '0' or string.match(v, '^%-?([1-9]%d*)$')
  if not digits or #digits > 19 then return 'is not an integer' end
  if #digits < 19 then return nil end
  if string.byte(v, 1) == 45 then -- '-': at least -2^63
    if digits > '9223372036854775808' then return 'is not an integer' end
    return nil
  end
  if digits > MAX_VERSION then return 'is not an integer' end
  if digits == MAX_VERSION then return 'is at its maximum (' .. MAX_VERSION .. ')' end
  return nil
end

-- An error reply when the metadata field v cannot be incremented, naming the key and the repair.
local function refuseBadVersion()
  local problem = versionProblem(redis.call('HGET', KEYS[2], 'v'))
  if not problem then return nil end
  return redis.error_reply(string.format(
    'ERR the version field v of %s %s (another program wrote it), so this change cannot be numbered. ' ..
    'Nothing was changed. Repair it with HDEL %s v (versions restart at 1), or clear the conversation.',
    KEYS[2], problem, KEYS[2]))
end

local CHANNEL_COMMANDS = { SPUBLISH = true, PUBLISH = true }

-- An error reply for the first command of the plan this user may not run, or a bad version; nil when all is well.
local function refuseUnsafe(steps)
  for _, step in ipairs(steps) do
    if not redis.acl_check_cmd(unpack(step)) then
      local command = step[1]
      local target, grant = '', '+' .. string.lower(command)
      if CHANNEL_COMMANDS[command] then
        target, grant = ' to channel ' .. step[2], grant .. ' and the channel (&' .. step[2] .. ')'
      elseif step[2] then
        target, grant = ' on ' .. step[2], grant .. ' and write access to that key'
      end
      return redis.error_reply(string.format(
        'NOPERM this user may not run %s%s, which this call needs. Nothing was changed. Grant %s, %s.',
        command, target, grant, step.otherwise))
    end
  end
  if steps.bumpsVersion then return refuseBadVersion() end
  return nil
end
