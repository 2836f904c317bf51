--[[
  Changes or reads one owner's index of conversations (src/conversations/ownerIndex*.ts): a
  sorted set whose members are conversation ids, scored by last activity in µs (an integer
  below 2^53: exact as a double). A conversation's keys and its owner's index usually live
  in different cluster slots, so the index is never kept by a cross-slot script: a
  session's writes update it with native ZSCORE + ZADD GT in the same round trip as the
  conversation's own script (scored by the writer's clock); this script does the rest.

  KEYS[1]  the owner's index   (prefix .. '__owner__:{' .. owner .. '}')

  ARGV[1]  the action:
    'check'                  a key of another type at KEYS[1] is refused; writes nothing
    'count'                  ZCARD; writes nothing
    'add', id                ZADD GT <TIME in µs> id: lists the conversation, or moves it
                             to the top (never down: GT); for writers without a session
                             (the CLI's import)
    'remove', id, fence      ZREM id only when its score is below fence (µs): a clear sends
                             its own TIME, so a write that re-created the conversation after
                             the clear (and therefore scored later) stays listed
    'prune', id, score       ZREM id only when its score is still exactly score, the one the
                             reader saw (compare-and-remove: a write since then keeps it)
    'undo', id, score, previous
                             takes back an 'add' whose write was refused (nothing of it was
                             written): when the entry's score is still the one that add wrote,
                             restores the previous score, or removes the entry when previous is ''

  Every action refuses a key of another type (WRONGTYPE naming it) before anything else,
  and checks the ACL of its write (need, lib/guards.lua) before it.

  Returns: 'check' 1; 'count' the number of entries; 'add' { the score written (µs, an
  integer), the score before (a string, or false when there was no entry) }; 'remove',
  'prune' and 'undo' 1 when the entry was changed, else 0; or a WRONGTYPE, NOPERM or ERR
  error reply (nothing changed).
  Cost: O(log N) in the entries of the index.
]]
local index, action, id = KEYS[1], ARGV[1], ARGV[2]

local refused = foreignIndex(index)
if refused then return refused end

if action == 'check' then return 1 end
if action == 'count' then return redis.call('ZCARD', index) end

if action == 'add' then
  need(nil, 'ZADD', index, 'GT', '1', id)
  local refused = refuseUnsafe()
  if refused then return refused end
  local time = redis.call('TIME')
  local micros = time[1] .. string.format('%06d', tonumber(time[2]))
  local previous = redis.call('ZSCORE', index, id)
  redis.call('ZADD', index, 'GT', micros, id)
  return { tonumber(micros), previous }
end

if action == 'undo' then
  local added, previous = tonumber(ARGV[3]), ARGV[4]
  if not added or (previous ~= '' and not tonumber(previous)) then
    return redis.error_reply('ERR the undo scores must be numbers. Nothing was changed.')
  end
  if tonumber(redis.call('ZSCORE', index, id)) ~= added then return 0 end
  if previous == '' then
    need(nil, 'ZREM', index, id)
  else
    need(nil, 'ZADD', index, 'XX', previous, id)
  end
  local refused = refuseUnsafe()
  if refused then return refused end
  if previous == '' then return redis.call('ZREM', index, id) end
  redis.call('ZADD', index, 'XX', previous, id)
  return 1
end

if action == 'remove' or action == 'prune' then
  local bound = tonumber(ARGV[3])
  if not bound then
    return redis.error_reply('ERR the ' .. action .. ' bound must be a number. Nothing was changed.')
  end
  local score = redis.call('ZSCORE', index, id)
  if not score then return 0 end
  score = tonumber(score)
  if (action == 'remove' and score < bound) or (action == 'prune' and score == bound) then
    need(nil, 'ZREM', index, id)
    local refused = refuseUnsafe()
    if refused then return refused end
    return redis.call('ZREM', index, id)
  end
  return 0
end

return redis.error_reply('ERR unknown owner index action ' .. tostring(action) .. '. Nothing was changed.')
