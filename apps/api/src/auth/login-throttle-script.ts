/**
 * The login throttle's Redis side, one script so that every instance reads and changes a tier's state
 * in one atomic step (a burst of concurrent attempts cannot all pass a check before any is counted).
 *
 * KEYS: 1 the (account, address) tier, 2 the account tier, 3 the address tier, 4 the marker of an address
 * the account signed in from. Each tier is a hash: `s` failure score, `t` when it was last written (ms),
 * `u` until when attempts are refused (ms). The score decays by one every `decay` ms; a failure that
 * brings its count (the score rounded up) to the tier's limit or past it refuses attempts for
 * `base · 2^(count − limit)` ms, at most `cap`.
 *
 * ARGV: 1 mode (`begin`, `success`, `release`), 2 decay, 3 base, 4 cap, 5–7 the tiers' limits,
 * 8 how long the address marker lives (ms).
 *
 * `begin`: if a tier that applies is cooling down, answers how many ms are left and counts nothing;
 * otherwise counts the attempt as a failure in every tier (before the password is checked) and answers 0.
 * The account tier does not apply to an address the account signed in from: a stranger spraying the
 * account from elsewhere cannot lock its owner out there (the other tiers still hold that address).
 * `success`: the password was right; the (account, address) tier is cleared, the attempt is taken back
 * from the others, and the address is marked as the account's. `release`: the attempt is taken back only
 * (the check itself failed, e.g. Postgres was unreachable).
 */
export const LOGIN_THROTTLE_SCRIPT = `
local mode = ARGV[1]
local decay = tonumber(ARGV[2])
local base = tonumber(ARGV[3])
local cap = tonumber(ARGV[4])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local function read(key)
  local v = redis.call('HMGET', key, 's', 't', 'u')
  local s = tonumber(v[1]) or 0
  local t = tonumber(v[2]) or now
  local u = tonumber(v[3]) or 0
  return math.max(0, s - math.max(0, now - t) / decay), u
end

local function write(key, s, u)
  if s <= 0 and u <= now then
    redis.call('DEL', key)
    return
  end
  redis.call('HSET', key, 's', tostring(s), 't', tostring(now), 'u', tostring(u))
  redis.call('PEXPIRE', key, math.ceil(math.max(u - now, 0) + s * decay) + 1)
end

if mode == 'begin' then
  local known = redis.call('EXISTS', KEYS[4]) == 1
  local scores = {}
  local wait = 0
  for i = 1, 3 do
    local s, u = read(KEYS[i])
    scores[i] = s
    if u > now and not (i == 2 and known) then wait = math.max(wait, u - now) end
  end
  if wait > 0 then return wait end
  for i = 1, 3 do
    local limit = tonumber(ARGV[4 + i])
    local s = scores[i] + 1
    -- A failure is forgotten only once it has fully decayed.
    local count = math.ceil(s - 1e-9)
    local u = 0
    if count >= limit then u = now + math.min(cap, base * 2 ^ (count - limit)) end
    write(KEYS[i], s, u)
  end
  return 0
end

if mode == 'success' then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[4], '1', 'PX', ARGV[8])
end
for i = (mode == 'success') and 2 or 1, 3 do
  local limit = tonumber(ARGV[4 + i])
  local s, u = read(KEYS[i])
  s = math.max(0, s - 1)
  if math.ceil(s - 1e-9) < limit then u = 0 end
  write(KEYS[i], s, u)
end
return 0
`;
