-- Acks a delivery (see CleanupQueue.ack for why this is a script). KEYS: 1 the message, 2 the pool's reserved set,
-- 3 the pool's counters. ARGV: 1 token, 2 work pool id, 3 now (epoch ms), 4 now (ISO), 5 acked retention (ms),
-- 6 idempotency key prefix, 7 message id.
-- Answers Prefect's status, checked in Prefect's order; 'expired' leaves the message as it is for the caller, which
-- ends the delivery with its backoff or dead letter.
local raw = redis.call('GET', KEYS[1])
if not raw then return 'not_found' end
local m = cjson.decode(raw)
if m.state == 'acked' or m.state == 'dead' then return 'not_found' end
if m.work_pool_id ~= ARGV[2] then return 'unauthorized' end
if m.state ~= 'reserved' then return 'not_current' end
if m.reservation_token ~= ARGV[1] then return 'invalid_token' end
local lease = redis.call('ZSCORE', KEYS[2], ARGV[7])
if not lease or tonumber(lease) <= tonumber(ARGV[3]) then return 'expired' end
local history = m.history
if type(history) ~= 'table' then history = {} end
history[#history + 1] = {attempt = m.delivery_count, worker = m.reserved_by or cjson.null,
  reserved_at = m.reserved_at, ended_at = ARGV[4], outcome = 'acked', reason = cjson.null}
m.history = history
m.reservation_token = cjson.null
m.reserved_by = cjson.null
m.reserved_at = cjson.null
m.lease_expires_at = cjson.null
m.updated_at = ARGV[4]
m.state = 'acked'
m.acked_at = ARGV[4]
redis.call('SET', KEYS[1], cjson.encode(m), 'PX', ARGV[5])
redis.call('PEXPIRE', ARGV[6] .. m.idempotency_key, ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[7])
redis.call('HINCRBY', KEYS[3], 'acked', 1)
return 'accepted'
