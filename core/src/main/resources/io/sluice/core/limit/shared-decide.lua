-- Sluice's limiter model on Redis: the arithmetic of io.sluice.core.limit.Governor (GCRA with
-- reservations, exact fractions, a key's order, the global limit) for a batch of events, grouped
-- by key, each group's events decided in order, the groups one after another. SharedGovernor
-- builds the arguments and reads the answer; the parts of a decision that bound an agent's own
-- memory (its deferred room, a key's share of it, shedding) stay in the agent and arrive here as
-- budgets.
--
-- Lua numbers are doubles: integers are exact only below 2^53, and nanoseconds since 1970 are
-- above it. So times are stored as whole seconds and nanoseconds within the second, and all
-- arithmetic is done in nanoseconds relative to now, which the configuration keeps below 2^52.
--
-- KEYS     one per group: the key's last due time and cells, dueS dueN tatS tatN frac ... (one
--          triple a limit), as little-endian doubles (struct.pack, ten times faster to read and
--          write than text); then, when there is a global limit, its cells, tatS tatN frac ...
-- ARGV[1]  the call, as little-endian doubles: the clock (1: Redis's, TIME; 0: the next two),
--          nowS, nowN, mode (0 decide, 1 refund), maxDelay, ttl (ms), deferRoom and shedRoom (for
--          the whole call), the number of tiers, for each the number of its limits and q r count
--          tauQ tauR a limit, the same for the global limit, then the number of groups.
-- ARGV[2]  five doubles a group: its tier (1-based), n, keyRoom (in refund mode: how many of the
--          n charged the global limit), floor (a due time, relative, the key must queue behind;
--          0 for none), lease (how many more tokens to book now, after the n events, for the
--          agent to spend on its own).
-- ARGV[3]  "" when no event is of low priority; else a character an event, "1" for low, the
--          groups' events one after another.
-- Answer   little-endian doubles: nowS, nowN, then for each group the tokens leased, the number
--          of runs, and the runs of equal outcomes: code, count, value. Codes: 0 processed, 1
--          batched (value: wait in ns), 2 rate, 3 global, 4 severity, 5 deferFull (value: the
--          wait that was refused, in ns).
--
-- Numbers travel as doubles rather than text: parsing and printing them took most of a call.

local PAST = -1e15 -- any time before now decides the same; keeps far-past states exact
local floor = math.floor

-- struct formats of n doubles, made once per call and count.
local formats = {}
local function doubles(n)
  local f = formats[n]
  if not f then
    f = '<' .. string.rep('d', n)
    formats[n] = f
  end
  return f
end

local head = {struct.unpack(doubles(#ARGV[1] / 8), ARGV[1])}
local nowS, nowN = head[2], head[3]
if head[1] == 1 then
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
  local q = floor(x / 1e9)
  local n = x - q * 1e9
  if n < 0 then
    q, n = q - 1, n + 1e9
  elseif n >= 1e9 then
    q, n = q + 1, n - 1e9
  end
  return nowS + q, n
end

-- A set of limits from the call's header at i, as parallel arrays (n, q, r, count, tauQ, tauR);
-- returns it and the next index.
local function limits(i)
  local k = head[i]
  local p = {n = k, q = {}, r = {}, c = {}, tq = {}, tr = {}}
  for j = 1, k do
    local b = i + 1 + (j - 1) * 5
    p.q[j], p.r[j], p.c[j], p.tq[j], p.tr[j] = head[b], head[b + 1], head[b + 2], head[b + 3], head[b + 4]
  end
  return p, i + 1 + k * 5
end

-- The numbers stored at key: "count" doubles, or none when the key is missing or holds another
-- number of them (the limits changed): such a state starts fresh, as a new key does.
local function fields(key, count)
  local v = redis.call('GET', key)
  if not v or #v ~= 8 * count then
    return nil
  end
  return {struct.unpack(doubles(count), v)}
end

-- Cells (TAT and fraction, relative to now) from stored fields starting at index i, or fresh.
local function cells(f, i, p)
  local tat, frac = {}, {}
  for j = 1, p.n do
    if f then
      local b = i + (j - 1) * 3
      tat[j], frac[j] = rel(f[b], f[b + 1]), f[b + 2]
    else
      tat[j], frac[j] = 0, 0
    end
  end
  return tat, frac
end

local function allowAt(tat, frac, p)
  local at = PAST
  local tq, tr, c = p.tq, p.tr, p.c
  for j = 1, p.n do
    local ns, fr = tat[j] - tq[j], frac[j] - tr[j]
    if fr < 0 then
      ns, fr = ns - 1, fr + c[j]
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

local function consume(tat, frac, p, at)
  local q, r, c = p.q, p.r, p.c
  for j = 1, p.n do
    local t, f = tat[j], frac[j]
    if t < at then
      t, f = at, 0
    end
    t, f = t + q[j], f + r[j]
    if f >= c[j] then
      t, f = t + 1, f - c[j]
    end
    tat[j], frac[j] = t, f
  end
end

local function refund(tat, frac, p, m)
  for j = 1, p.n do
    local fr = frac[j] - p.r[j] * m
    local borrow = math.ceil(-fr / p.c[j])
    if borrow < 0 then
      borrow = 0
    end
    tat[j], frac[j] = tat[j] - p.q[j] * m - borrow, fr + borrow * p.c[j]
  end
end

local function store(key, out, tat, frac, p, ttl)
  for j = 1, p.n do
    local s, n = abs(tat[j])
    out[#out + 1] = s
    out[#out + 1] = n
    out[#out + 1] = frac[j]
  end
  redis.call('SET', key, struct.pack(doubles(#out), unpack(out)), 'PX', ttl)
end

local refunding, maxDelay, ttl = head[4] == 1, head[5], string.format('%.0f', head[6])
local deferRoom, shedRoom = head[7], head[8]
local tiers, at = {}, 10
for t = 1, head[9] do
  tiers[t], at = limits(at)
end
local gp
gp, at = limits(at)
local groups = head[at]
local groupArgs, lows, lowAt = ARGV[2], ARGV[3], 0

local gT, gF, globalDirty = nil, nil, false
if gp.n > 0 then
  gT, gF = cells(fields(KEYS[groups + 1], 3 * gp.n), 1, gp)
end

local answer = {nowS, nowN}
local runsAt -- where the current group's count of runs is in the answer

-- Appends an outcome to the current group's runs, or counts it in the last run if equal.
local function record(code, value)
  local last = #answer
  if last > runsAt and answer[last - 2] == code and answer[last] == value then
    answer[last - 1] = answer[last - 1] + 1
  else
    answer[last + 1], answer[last + 2], answer[last + 3] = code, 1, value
    answer[runsAt] = answer[runsAt] + 1
  end
end

for g = 1, groups do
  local tier, n, keyRoom, keyFloor, lease = struct.unpack('<ddddd', groupArgs, (g - 1) * 40 + 1)
  local kp = tiers[tier]
  local kf = fields(KEYS[g], 2 + 3 * kp.n)
  local kT, kF = cells(kf, 3, kp)
  local lastDue = kf and rel(kf[1], kf[2]) or PAST
  if keyFloor == 0 then
    keyFloor = PAST
  end

  if refunding then
    if kf then
      refund(kT, kF, kp, n)
      store(KEYS[g], {kf[1], kf[2]}, kT, kF, kp, ttl)
    end
    if gT and keyRoom > 0 then -- in refund mode: how many of the n charged the global limit
      refund(gT, gF, gp, keyRoom)
      globalDirty = true
    end
  else
    local leasedAt = #answer + 1
    answer[leasedAt], answer[leasedAt + 1] = 0, 0
    runsAt = leasedAt + 1
    local dirty = false
    -- Each event: when the key's limits (its order, its floor) and the global limit would admit
    -- it, relative to now (due), and when the global cells are booked (charge).
    for e = 1, n + lease do
      local keyAt = allowAt(kT, kF, kp)
      if lastDue > keyAt then
        keyAt = lastDue
      end
      if keyFloor > keyAt then
        keyAt = keyFloor
      end
      local globalAt = gT and allowAt(gT, gF, gp) or PAST
      local charge = globalAt > 0 and globalAt or 0
      local due = keyAt > charge and keyAt or charge
      local granted = false
      if e > n then
        -- A lease: tokens booked now, as processed events would be, for the agent to spend.
        if due > 0 then
          break
        end
        answer[leasedAt] = answer[leasedAt] + 1
        granted = true
      elseif due > maxDelay then
        -- Nothing is booked, so every later event of the group is refused alike, and no lease is
        -- due: one run for them all (a flood costs one step a call, not one an event).
        record(globalAt > keyAt and 3 or 2, due)
        answer[#answer - 1] = answer[#answer - 1] + (n - e)
        break
      elseif due > 0 then
        if string.byte(lows, lowAt + e) == 49 and shedRoom <= 0 then
          record(4, due)
        elseif keyRoom <= 0 or deferRoom <= 0 then
          record(5, due)
        else
          keyRoom, deferRoom, shedRoom = keyRoom - 1, deferRoom - 1, shedRoom - 1
          record(1, due)
          lastDue = due
          granted = true
        end
      else
        record(0, 0)
        granted = true
      end
      if granted then
        consume(kT, kF, kp, due)
        dirty = true
        if gT then
          consume(gT, gF, gp, charge)
          globalDirty = true
        end
      end
    end

    if dirty then
      local dueS, dueN = 0, 0
      if lastDue > 0 then
        dueS, dueN = abs(lastDue)
      elseif kf then
        dueS, dueN = kf[1], kf[2]
      end
      store(KEYS[g], {dueS, dueN}, kT, kF, kp, ttl)
    end
    lowAt = lowAt + n
  end
end

if globalDirty then
  store(KEYS[groups + 1], {}, gT, gF, gp, ttl)
end

-- Packed a thousand at a time: unpack() puts every value on Lua's stack, which has a limit.
local packed = {}
for from = 1, #answer, 1000 do
  local to = math.min(from + 999, #answer)
  packed[#packed + 1] = struct.pack(doubles(to - from + 1), unpack(answer, from, to))
end
return table.concat(packed)
