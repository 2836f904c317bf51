--[[
  Prepended to the scripts that look inside stored items (see ../../index.ts):
  applyTransaction compares them, mutateHistory finds function calls by callId.
  Items are JSON written by JSON.stringify, which cjson cannot always read as
  the SDK's MemorySession sees them: decodeItem reads any such text.
]]

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

-- A stored entry (or an argument) decoded as a Lua value, comparable with `same` and ==; nil when it is not JSON.
-- Strings holding lone surrogates come back with their escape rewritten (see decodable): equal iff the JS strings are.
local function decodeItem(text)
  local ok, value = pcall(cjson.decode, decodable(text))
  if ok then return value end
  return nil
end
