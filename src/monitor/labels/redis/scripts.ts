// The fleet's label join as three Lua scripts, each run atomically by Redis, so two replicas
// can never both join one id. Per model (keys under one hash tag, so a Redis Cluster keeps
// them on one slot): `p:ID` a prediction waiting for its label, `l:ID` a label waiting for its
// prediction, `d:ID` a done marker (a second label is a duplicate), and the sorted sets `zp`
// and `zl` of the waiting ids by arrival time, which bound them (max_pending_labels, oldest
// evicted first) and let the sweep find the ones past the TTL. A record's text starts with its
// arrival time in Unix ms; the rest is the caller's (records.ts). Waiting records live 2×TTL
// in Redis so a late label is told apart as expired; every key has a TTL.
//
// Predictions come a flush at a time (one call for up to 500), a label one call each.
import { createHash } from 'node:crypto';

/** Evict the oldest waiting ids over `max`; returns the predictions and labels evicted. */
const EVICT = `
local function evict(zp, zl, max, base)
  local ep, el = 0, 0
  local over = redis.call('ZCARD', zp) + redis.call('ZCARD', zl) - max
  while over > 0 do
    local p = redis.call('ZRANGE', zp, 0, 0, 'WITHSCORES')
    local l = redis.call('ZRANGE', zl, 0, 0, 'WITHSCORES')
    if #l == 0 or (#p > 0 and tonumber(p[2]) <= tonumber(l[2])) then
      redis.call('ZPOPMIN', zp)
      redis.call('DEL', base .. 'p:' .. p[1])
      ep = ep + 1
    else
      redis.call('ZPOPMIN', zl)
      redis.call('DEL', base .. 'l:' .. l[1])
      el = el + 1
    end
    over = over - 1
  end
  return ep, el
end
local function at(record) return tonumber(string.match(record, '^[^|]*')) end
`;

/**
 * A flush's predictions in one call (KEYS zp, zl; ARGV ttl, max, base, then id, arrival,
 * record for each). Returns {evictedPredictions, evictedLabels, unknownLabels} then per
 * prediction {outcome, label}: outcome 1 joined (label: the waiting label's record; this
 * caller records the join), 2 a duplicate prediction (one is waiting or was joined), 0 stored.
 * A waiting label past the TTL is dropped as unknown_id (the in-process sweep would have) and
 * the prediction stored.
 */
export const PREDICTIONS_SCRIPT = `${EVICT}
local ttl, max, base = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local out = {0, 0, 0}
local function add(outcome, label) out[#out + 1] = outcome; out[#out + 1] = label end
for i = 4, #ARGV, 3 do
  local id, now, record = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
  local pk, lk, dk = base .. 'p:' .. id, base .. 'l:' .. id, base .. 'd:' .. id
  local joined = false
  local label = redis.call('GET', lk)
  if label then
    redis.call('DEL', lk)
    redis.call('ZREM', KEYS[2], id)
    if now - at(label) <= ttl then
      redis.call('SET', dk, '1', 'PX', ttl)
      add(1, label)
      joined = true
    else
      out[3] = out[3] + 1
    end
  end
  if not joined then
    local pending = redis.call('GET', pk)
    -- A prediction past the TTL is stale: a new one with its id takes its place.
    if redis.call('EXISTS', dk) == 1 or (pending and now - at(pending) <= ttl) then
      add(2, '')
    else
      redis.call('SET', pk, record, 'PX', 2 * ttl)
      redis.call('ZADD', KEYS[1], now, id)
      local ep, el = evict(KEYS[1], KEYS[2], max, base)
      out[1] = out[1] + ep
      out[2] = out[2] + el
      add(0, '')
    end
  end
end
return out
`;

/**
 * A label (KEYS p, l, d, zp, zl; ARGV id, now, ttl, record, max, base). Returns {outcome,
 * prediction, evictedPredictions, evictedLabels}: outcome 0 joined
 * (prediction: its record, this caller records the join), 1 waiting, 2 duplicate, 3 expired.
 */
export const LABEL_SCRIPT = `${EVICT}
local id, now, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local pending = redis.call('GET', KEYS[1])
if pending then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[4], id)
  redis.call('SET', KEYS[3], '1', 'PX', ttl)
  if now - at(pending) > ttl then return {3, '', 0, 0} end
  return {0, pending, 0, 0}
end
if redis.call('EXISTS', KEYS[3]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return {2, '', 0, 0} end
redis.call('SET', KEYS[2], ARGV[4], 'PX', 2 * ttl)
redis.call('ZADD', KEYS[5], now, id)
local ep, el = evict(KEYS[4], KEYS[5], tonumber(ARGV[5]), ARGV[6])
return {1, '', ep, el}
`;

/**
 * The TTL sweep (KEYS zp, zl; ARGV now, ttl, base, limit): waiting labels past the TTL leave
 * as unknown_id (counted by the caller whose sweep removed them), waiting predictions past it
 * stop counting as pending (their record stays, so a late label is expired). Returns
 * {unknownLabels, stalePredictions, pendingPredictions, pendingLabels}.
 */
export const SWEEP_SCRIPT = `
local cutoff = '(' .. (tonumber(ARGV[1]) - tonumber(ARGV[2]))
local labels = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cutoff, 'LIMIT', 0, tonumber(ARGV[4]))
for _, id in ipairs(labels) do redis.call('DEL', ARGV[3] .. 'l:' .. id) end
if #labels > 0 then redis.call('ZREM', KEYS[2], unpack(labels)) end
local stale = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
return {#labels, stale, redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])}
`;

/** A script and the SHA1 EVALSHA names it by. */
export interface Script {
  lua: string;
  sha: string;
  keys: number;
}

const script = (lua: string, keys: number): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex'), keys });

export const SCRIPTS = {
  predictions: script(PREDICTIONS_SCRIPT, 2),
  label: script(LABEL_SCRIPT, 5),
  sweep: script(SWEEP_SCRIPT, 2),
};
