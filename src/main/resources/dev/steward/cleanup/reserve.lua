-- Reserves, oldest first, up to one ready message per token given, of a pool, that fit the worker (see
-- CleanupQueue.reserve for why this is a script). KEYS: 1 the pool's visible set, 2 its reserved set.
-- ARGV: 1 now (epoch ms), 2 now (ISO), 3 lease expiry (epoch ms), 4 lease expiry (ISO), 5 tokens (comma-separated,
-- one per message wanted), 6 holder, 7 max deliveries, 8 message key prefix, 9 offset, 10 batch size,
-- 11 kinds (JSON array, '' for any), 12 work queues (JSON array, '' for any).
-- Answers {outcome, detail, reserved message...}, outcome one of: 'full' (a message for every token), 'limit'
-- (stopped at a message with no deliveries left, its id the detail: the caller dead-letters it and asks again at the
-- same offset), 'more' (this batch of candidates is done: the detail is the offset to look on from) or 'none'.
local function set_of(json)
  if json == '' then return nil end
  local s = {}
  for _, v in ipairs(cjson.decode(json)) do s[v] = true end
  return s
end
local tokens = {}
for t in string.gmatch(ARGV[5], '[^,]+') do tokens[#tokens + 1] = t end
local kinds = set_of(ARGV[11])
local queues = set_of(ARGV[12])
local offset = tonumber(ARGV[9])
local batch = tonumber(ARGV[10])
local holder = ARGV[6] ~= '' and ARGV[6] or cjson.null
local answer = {'none', ''}
-- entries taken out of the visible set in this call: the ones after them move up by as many
local removed = 0
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', offset, batch)
for _, id in ipairs(ids) do
  local key = ARGV[8] .. id
  local raw = redis.call('GET', key)
  if not raw then
    -- an index entry left behind by a purge
    redis.call('ZREM', KEYS[1], id)
    removed = removed + 1
  else
    local m = cjson.decode(raw)
    local queue = m.work_queue_id
    if m.state == 'visible' and (kinds == nil or kinds[m.kind])
        and (queues == nil or (queue ~= cjson.null and queues[queue])) then
      if m.delivery_count >= tonumber(ARGV[7]) then
        answer[1] = 'limit'
        answer[2] = id
        return answer
      end
      m.delivery_count = m.delivery_count + 1
      m.state = 'reserved'
      m.reservation_token = tokens[#answer - 1]
      m.reserved_by = holder
      m.reserved_at = ARGV[2]
      m.lease_expires_at = ARGV[4]
      m.updated_at = ARGV[2]
      local stored = cjson.encode(m)
      redis.call('SET', key, stored)
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZADD', KEYS[2], ARGV[3], id)
      removed = removed + 1
      answer[#answer + 1] = stored
      if #answer - 2 == #tokens then
        answer[1] = 'full'
        return answer
      end
    end
  end
end
if #ids == batch then
  answer[1] = 'more'
  answer[2] = tostring(offset + #ids - removed)
end
return answer
