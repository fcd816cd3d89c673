-- Sluice's limiter model on Redis: the arithmetic of io.sluice.core.limit.Governor (GCRA with
-- reservations, exact fractions, the key's order, the global limit) for the events of one key,
-- decided in order in one call. SharedGovernor builds the arguments and reads the answer; the
-- parts of a decision that bound an agent's own memory (its deferred room, a key's share of it,
-- shedding) stay in the agent and arrive here as budgets.
--
-- Lua numbers are doubles: integers are exact only below 2^53, and nanoseconds since 1970 are
-- above it. So times are stored as whole seconds and nanoseconds within the second, and all
-- arithmetic is done in nanoseconds relative to now, which the configuration keeps below 2^52.
--
-- KEYS[1]  the key's cells and its last due time: "dueS dueN tatS tatN frac ..." (one triple a limit)
-- KEYS[2]  the global cells, when there is a global limit: "tatS tatN frac ..."
-- ARGV     nowS nowN (both empty: Redis's clock, TIME), mode ("decide" or "refund"), n,
--          lows ("" or n characters, "1" = low priority), maxDelay, deferRoom, keyRoom, shedRoom,
--          floor (a due time, relative, the key must queue behind; "" for none), ttl (ms),
--          number of key limits, then q r count tauQ tauR for each, number of global limits, then
--          the same for each.
-- Answer   nowS, nowN, then runs of equal outcomes: code, count, value. Codes: 0 processed,
--          1 batched (value: wait in ns), 2 rate, 3 global, 4 severity, 5 deferFull (value: the
--          wait that was refused, in ns).

local PAST = -1e15 -- any time before now decides the same; keeps far-past states exact
local nowS, nowN = tonumber(ARGV[1]), tonumber(ARGV[2])
if nowS == nil then
  if redis.replicate_commands then
    redis.replicate_commands() -- Redis 3.2 to 4: TIME before writes needs effects replication
  end
  local t = redis.call('TIME')
  nowS, nowN = tonumber(t[1]), tonumber(t[2]) * 1000
end

local function rel(s, n)
  local ds = s - nowS
  if ds < -1e6 then
    return PAST
  end
  return ds * 1e9 + (n - nowN)
end

local function abs(r)
  local x = nowN + r
  local q = math.floor(x / 1e9)
  local n = x - q * 1e9
  if n < 0 then
    q, n = q - 1, n + 1e9
  elseif n >= 1e9 then
    q, n = q + 1, n - 1e9
  end
  return nowS + q, n
end

local function fmt(x)
  return string.format('%.0f', x)
end

-- Reads "k" limits' parameters from ARGV starting at i; returns them and the next index.
local function limits(i)
  local k = tonumber(ARGV[i])
  local p = {n = k}
  for j = 1, k do
    local b = i + 1 + (j - 1) * 5
    p[j] = {tonumber(ARGV[b]), tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]),
            tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])}
  end
  return p, i + 1 + k * 5
end

local function fields(key)
  local v = redis.call('GET', key)
  local f = {}
  if v then
    for w in string.gmatch(v, '%S+') do
      f[#f + 1] = tonumber(w)
    end
  end
  return f
end

-- Cells {tat, frac} relative to now from stored fields starting at index i; a missing or
-- mismatched state (the limits changed) starts fresh, as a new key does.
local function cells(f, i, p)
  local c = {}
  local ok = #f == i - 1 + 3 * p.n
  for j = 1, p.n do
    if ok then
      local b = i + (j - 1) * 3
      c[j] = {rel(f[b], f[b + 1]), f[b + 2]}
    else
      c[j] = {0, 0}
    end
  end
  return c, ok
end

local function allowAt(c, p)
  local at = PAST
  for j = 1, p.n do
    local q, r, count, tauQ, tauR = unpack(p[j])
    local ns, fr = c[j][1] - tauQ, c[j][2] - tauR
    if fr < 0 then
      ns, fr = ns - 1, fr + count
    end
    if fr > 0 then
      ns = ns + 1 -- times are whole nanoseconds: round the due time up
    end
    if ns > at then
      at = ns
    end
  end
  return at
end

local function consume(c, p, at)
  for j = 1, p.n do
    local q, r, count = p[j][1], p[j][2], p[j][3]
    local cell = c[j]
    if cell[1] < at then
      cell[1], cell[2] = at, 0
    end
    cell[1], cell[2] = cell[1] + q, cell[2] + r
    if cell[2] >= count then
      cell[1], cell[2] = cell[1] + 1, cell[2] - count
    end
  end
end

local function refund(c, p, m)
  for j = 1, p.n do
    local q, r, count = p[j][1], p[j][2], p[j][3]
    local cell = c[j]
    local fr = cell[2] - r * m
    local borrow = math.ceil(-fr / count)
    if borrow < 0 then
      borrow = 0
    end
    cell[1], cell[2] = cell[1] - q * m - borrow, fr + borrow * count
  end
end

local function store(key, head, c, p, ttl)
  local out = head
  for j = 1, p.n do
    local s, n = abs(c[j][1])
    out[#out + 1] = fmt(s)
    out[#out + 1] = fmt(n)
    out[#out + 1] = fmt(c[j][2])
  end
  redis.call('SET', key, table.concat(out, ' '), 'PX', ttl)
end

local mode, n = ARGV[3], tonumber(ARGV[4])
local lows, maxDelay = ARGV[5], tonumber(ARGV[6])
local deferRoom, keyRoom, shedRoom = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local floor, ttl = tonumber(ARGV[10]) or PAST, ARGV[11]
local kp, i = limits(12)
local gp = limits(i)

local kf = fields(KEYS[1])
local kc, known = cells(kf, 3, kp)
local lastDue = PAST
if known then
  lastDue = rel(kf[1], kf[2])
end
local gc = nil
if gp.n > 0 then
  gc = cells(fields(KEYS[2]), 1, gp)
end

if mode == 'refund' then
  if known then
    refund(kc, kp, n)
    store(KEYS[1], {fmt(kf[1]), fmt(kf[2])}, kc, kp, ttl)
  end
  local charged = tonumber(ARGV[7])
  if gc and charged > 0 then
    refund(gc, gp, charged)
    store(KEYS[2], {}, gc, gp, ttl)
  end
  return {nowS, nowN}
end

local answer = {nowS, nowN}
local function record(code, value)
  local last = #answer
  if last > 2 and answer[last - 2] == code and answer[last] == value then
    answer[last - 1] = answer[last - 1] + 1
  else
    answer[last + 1], answer[last + 2], answer[last + 3] = code, 1, value
  end
end

local keyDirty, globalDirty = false, false
for e = 1, n do
  local keyAt = allowAt(kc, kp)
  if lastDue > keyAt then
    keyAt = lastDue
  end
  if floor > keyAt then
    keyAt = floor
  end
  local globalAt = PAST
  if gc then
    globalAt = allowAt(gc, gp)
  end
  local charge = globalAt > 0 and globalAt or 0 -- when the global cells are booked
  local at = keyAt > charge and keyAt or charge
  local granted = false
  if at > maxDelay then
    record(globalAt > keyAt and 3 or 2, at)
  elseif at > 0 then
    if string.byte(lows, e) == 49 and shedRoom <= 0 then
      record(4, at)
    elseif keyRoom <= 0 or deferRoom <= 0 then
      record(5, at)
    else
      keyRoom, deferRoom, shedRoom = keyRoom - 1, deferRoom - 1, shedRoom - 1
      record(1, at)
      lastDue = at
      granted = true
    end
  else
    record(0, 0)
    granted = true
  end
  if granted then
    consume(kc, kp, at)
    keyDirty = true
    if gc then
      consume(gc, gp, charge)
      globalDirty = true
    end
  end
end

if keyDirty then
  local dueS, dueN = 0, 0
  if lastDue > 0 then
    dueS, dueN = abs(lastDue)
  elseif known then
    dueS, dueN = kf[1], kf[2]
  end
  store(KEYS[1], {fmt(dueS), fmt(dueN)}, kc, kp, ttl)
end
if globalDirty then
  store(KEYS[2], {}, gc, gp, ttl)
end
return answer
