-- Reserves the oldest ready message of a pool that fits the worker (see CleanupQueue.reserve for why this is a
-- script). KEYS: 1 the pool's visible set, 2 its reserved set.
-- ARGV: 1 now (epoch ms), 2 now (ISO), 3 lease expiry (epoch ms), 4 lease expiry (ISO), 5 token, 6 holder,
-- 7 max deliveries, 8 message key prefix, 9 offset, 10 batch size,
-- 11 kinds (JSON array, '' for any), 12 work queues (JSON array, '' for any).
-- Answers {'reserved', message}, {'limit', id} (a message with no deliveries left: the caller dead-letters it),
-- {'more'} (nothing in this batch, look further) or {'none'}.
local function set_of(json)
  if json == '' then return nil end
  local s = {}
  for _, v in ipairs(cjson.decode(json)) do s[v] = true end
  return s
end
local kinds = set_of(ARGV[11])
local queues = set_of(ARGV[12])
local batch = tonumber(ARGV[10])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', tonumber(ARGV[9]), batch)
for _, id in ipairs(ids) do
  local key = ARGV[8] .. id
  local raw = redis.call('GET', key)
  if not raw then
    -- an index entry left behind by a purge
    redis.call('ZREM', KEYS[1], id)
  else
    local m = cjson.decode(raw)
    local queue = m.work_queue_id
    if m.state == 'visible' and (kinds == nil or kinds[m.kind])
        and (queues == nil or (queue ~= cjson.null and queues[queue])) then
      if m.delivery_count >= tonumber(ARGV[7]) then return {'limit', id} end
      m.delivery_count = m.delivery_count + 1
      m.state = 'reserved'
      m.reservation_token = ARGV[5]
      m.reserved_by = ARGV[6] ~= '' and ARGV[6] or cjson.null
      m.reserved_at = ARGV[2]
      m.lease_expires_at = ARGV[4]
      m.updated_at = ARGV[2]
      local stored = cjson.encode(m)
      redis.call('SET', key, stored)
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZADD', KEYS[2], ARGV[3], id)
      return {'reserved', stored}
    end
  end
end
if #ids < batch then return {'none'} end
return {'more'}
