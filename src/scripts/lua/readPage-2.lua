--[[
  Reads one page of a conversation's history for getPage ("load more"):
  pages go from the newest items to the oldest. A read: it writes nothing
  (getPage slides the expiry with touch-2.lua, pipelined beside it, when
  the session's `touch` option says this read does).

  Positions are absolute, counted from the first item ever written:
  position = h + list index, where h (metadata hash field, lib/info.lua)
  counts the oldest items maxItems has trimmed. Appends do not move them.

  KEYS[1]  items list      (prefix .. id)
  KEYS[2]  metadata hash   ({prefix .. id}:meta)

  ARGV[1]  the page size (1..1000)
  ARGV[2]  'first' for the newest page, or 'before' for the page before a cursor:
  ARGV[3]  the cursor's createdAt (field c, '' when the conversation had none)
  ARGV[4]  the cursor's generation (field g, '0' when absent)
  ARGV[5]  the cursor's position: of the oldest item of the page it came with
  ARGV[6]  the cursor's anchor: the first 16 hex digits of the SHA1 of that item's entry

  Returns one of:
    { 'page', entries (oldest first), c ('' when absent), g ('0' when absent),
      the absolute position of the page's first entry, its anchor ('' when the
      page starts at the oldest item kept: there is no older page) }
    { 'changed' }  the history was cleared, created again, or rewritten since the
                   cursor was taken (c, g or the anchor item differ)
    { 'beyond' }   the cursor points past the history: it is not from this conversation
  or a WRONGTYPE error naming a key of another type.
  Items trimmed away by maxItems are gone: a page holds what remains before the
  cursor (possibly fewer items, or none).
  Cost: O(page size): LLEN, HMGET and one LRANGE (plus, as any LRANGE, the seek to
  the page, from the nearer end of the list).
]]
local limit = tonumber(ARGV[1])

local refused, length, fields = readConversation('c', 'g', 'h')
if refused then return refused end
local created = fields[1] or ''
local generation = fields[2] or '0'
local head = tonumber(fields[3] or '0') or 0

local function anchorOf(entry)
  return string.sub(redis.sha1hex(entry), 1, 16)
end

local start, entries = 0, {}
if ARGV[2] == 'before' then
  if ARGV[3] ~= created or ARGV[4] ~= generation then return { 'changed' } end
  -- The list index of the cursor's anchor item: the page is the `limit` items before it.
  local index = tonumber(ARGV[5]) - head
  if index >= length then return { 'beyond' } end
  if index < 0 then return { 'page', {}, created, generation, string.format('%d', head), '' } end
  -- One LRANGE reads the page and the anchor item after it, which must be the one the cursor saw.
  start = math.max(0, index - limit)
  entries = redis.call('LRANGE', KEYS[1], start, index)
  if anchorOf(entries[#entries]) ~= ARGV[6] then return { 'changed' } end
  entries[#entries] = nil
else
  start = math.max(0, length - limit)
  if length > 0 then entries = redis.call('LRANGE', KEYS[1], start, -1) end
end

local anchor = ''
if start > 0 and #entries > 0 then anchor = anchorOf(entries[1]) end
return { 'page', entries, created, generation, string.format('%d', head + start), anchor }
