--[[
  Prepended to every script that writes a conversation (see ../../index.ts), in
  front of the other libraries. Redis does not roll back a script's writes when
  a later command fails, so a script must not fail after its first write. Every
  writing script therefore, before it writes anything:

  1. readKeys(...) (or, to clear, refuseForeignKeys()): KEYS[1] must be a list (or
     absent) and KEYS[2] a hash (or absent); otherwise a WRONGTYPE error naming
     the key. readKeys does it with the reads a script needs anyway: LLEN of the
     items and one HMGET of the version field v and the fields it names.
  2. need(...) for every command it will run from its first write on, with the
     real keys, channels and values (planEvent of lib/changeEvents.lua and
     planExpiry of lib/expiry.lua list the usual ones): each is checked at
     once with redis.acl_check_cmd (command, key and channel permissions,
     about 0.4 µs), and the first one refused is kept.
  3. refuseUnsafe(v): the kept NOPERM refusal, naming the command, the key or
     channel and what to grant; else, when the plan bumps the version, an ERR
     when v is not an integer HINCRBY can increment (naming the key and the repair).

  The keys need no other check: EVAL refuses, before the script runs, a user
  who may not read and write every key passed to it.
]]

local EXPECTED_TYPES = { 'list', 'hash' }

-- The WRONGTYPE error reply for KEYS[i], naming it and what it holds.
local function wrongType(i)
  return redis.error_reply(string.format(
    'WRONGTYPE %s holds a %s, not a %s: another program wrote it. Nothing was changed. ' ..
    'Use a different keyPrefix or conversationId, or delete that key if nothing needs it.',
    KEYS[i], redis.call('TYPE', KEYS[i]).ok, EXPECTED_TYPES[i]))
end

-- Reads LLEN of the items and the version field v of the metadata, refusing keys of another type.
-- Also reads the metadata fields named by `...` (lib/info.lua's INFO_FIELDS), in the same HMGET.
-- Returns nil (or an error reply), the items' length, v (false when absent) and the HMGET reply (v first).
local function readKeys(...)
  local length = redis.pcall('LLEN', KEYS[1])
  if type(length) == 'table' then
    if string.sub(length.err, 1, 9) == 'WRONGTYPE' then return wrongType(1) end
    return length
  end
  local values = redis.pcall('HMGET', KEYS[2], 'v', ...)
  if values.err then
    if string.sub(values.err, 1, 9) == 'WRONGTYPE' then return wrongType(2) end
    return values
  end
  return nil, length, values[1], values
end

-- Like readKeys, with TYPE: an error reply for a key of another type, else nil and both types ('none' when absent).
local function refuseForeignKeys()
  local kinds = {}
  for i = 1, 2 do
    kinds[i] = redis.call('TYPE', KEYS[i]).ok
    if kinds[i] ~= 'none' and kinds[i] ~= EXPECTED_TYPES[i] then return wrongType(i) end
  end
  return nil, kinds[1], kinds[2]
end

-- The first command need() found this user may not run (an error reply), and whether the plan bumps the version.
local refusal = nil
local bumpsVersion = false

-- Checks that this user may run `command` with these arguments; otherwise keeps a NOPERM refusal
-- naming it, what to grant, and `otherwise`: how to do without it (nil for the write itself).
local function need(otherwise, command, ...)
  if refusal or redis.acl_check_cmd(command, ...) then return end
  local target = ...
  local grant = '+' .. string.lower(command)
  if command == 'SPUBLISH' or command == 'PUBLISH' then
    target, grant = ' to channel ' .. target, grant .. ' and the channel (&' .. target .. ')'
  elseif target then
    target, grant = ' on ' .. target, grant .. ' and write access to that key'
  else
    target = ''
  end
  refusal = redis.error_reply(string.format(
    'NOPERM this user may not run %s%s, which this call needs. Nothing was changed. Grant %s, %s.',
    command, target, grant, otherwise or 'as docs/security.md lists for the application user'))
end

-- Plans the HINCRBY of the version field v, which refuseUnsafe then checks v can take.
local function needVersionBump(otherwise)
  need(otherwise, 'HINCRBY', KEYS[2], 'v', '1')
  bumpsVersion = true
end

local MAX_VERSION = '9223372036854775807'

-- Why the metadata field v cannot be incremented by HINCRBY, or nil when it can (or is absent).
-- HINCRBY takes a signed 64-bit integer in canonical form: no '+', no leading zeros, no spaces, not '-0'.
local function versionProblem(v)
  if not v then return nil end
  local digits = v == '0' and '0' or string.match(v, '^%-?([1-9]%d*)$')
  if not digits or #digits > 19 then return 'is not an integer' end
  if #digits < 19 then return nil end
  if string.byte(v, 1) == 45 then -- '-': down to -2^63
    if digits > '9223372036854775808' then return 'is not an integer' end
    return nil
  end
  if digits > MAX_VERSION then return 'is not an integer' end
  if digits == MAX_VERSION then return 'is at its maximum (' .. MAX_VERSION .. ')' end
  return nil
end

-- The refusal need() kept, or, when the plan bumps the version, an error when v (from readKeys) cannot be
-- incremented; nil when the call may write.
local function refuseUnsafe(v)
  if refusal then return refusal end
  local problem = bumpsVersion and versionProblem(v)
  if not problem then return nil end
  return redis.error_reply(string.format(
    'ERR the version field v of %s %s (another program wrote it), so this change cannot be numbered. ' ..
    'Nothing was changed. Repair it with HDEL %s v (versions restart at 1), or clear the conversation.',
    KEYS[2], problem, KEYS[2]))
end
