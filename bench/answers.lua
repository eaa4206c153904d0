-- wrk script for the answer benchmark: each wrk thread owns one connection (one phone) and
-- sends its own teams' requests in order, so the requests in flight at once belong to
-- different teams. The bodies come from plan files written by bench/wrk.py (one line a
-- request: token TAB path TAB body). With a rate, each phone keeps a timetable (open loop)
-- and latency counts from the scheduled time, so a slow answer delays the count, not the load.
-- Every response is logged (plan position, status, latency, per-item statuses) for the
-- lost-and-doubled check, which bench/wrk.py runs on the log.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local slots = 0
local threads = {}

function setup(thread)
  thread:set("slot", slots)
  slots = slots + 1
  table.insert(threads, thread)
end

local plan, pos, scheduled, next_at, interval = {}, 0, 0, 0, 0
log, sent, exhausted = {}, 0, 0

function init(args)
  local dir, connections = args[1], tonumber(args[3])
  interval = tonumber(args[2]) -- ms between one phone's requests; 0 = back to back
  for line in io.lines(dir .. "/slot-" .. slot .. ".plan") do
    local token, path, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    plan[#plan + 1] = { token, path, body }
  end
  next_at = now_ms() + interval * slot / connections
end

function delay()
  if interval <= 0 then return 0 end
  local wait = next_at - now_ms()
  return wait > 0 and math.floor(wait) or 0
end

function request()
  pos = pos + 1
  local entry = plan[pos]
  if entry == nil then
    exhausted = 1
    wrk.thread:stop()
    entry = plan[#plan]
  end
  sent = pos
  local now = now_ms()
  if interval > 0 then
    scheduled = math.min(next_at, now)
    next_at = next_at + interval
  else
    scheduled = now
  end
  return wrk.format("POST", entry[2], { ["Authorization"] = "Bearer " .. entry[1],
    ["Content-Type"] = "application/json" }, entry[3])
end

function response(status, headers, body)
  local latency = now_ms() - scheduled
  local items = {}
  local start = body:find('"results":', 1, true)
  if start then
    local part = body:sub(start)
    local ids, states = {}, {}
    for id in part:gmatch('"id":"([%w%-]+)"') do ids[#ids + 1] = id end
    for state in part:gmatch('"status":"(%a+)"') do states[#states + 1] = state end
    for i = 1, #ids do items[#items + 1] = ids[i] .. ":" .. (states[i] or "?") end
  end
  local code = status ~= 200 and (body:match('"code":%s*"([%w_]+)"') or "") or ""
  log[#log + 1] = pos .. "\t" .. status .. "\t" .. string.format("%.3f", latency) .. "\t" .. code .. "\t"
      .. table.concat(items, ",")
end

function done(summary, latency, requests)
  local out = os.getenv("BENCH_WRK_OUT")
  for _, thread in ipairs(threads) do
    local f = io.open(out .. "/slot-" .. thread:get("slot") .. ".log", "w")
    f:write("sent\t" .. thread:get("sent") .. "\t" .. thread:get("exhausted") .. "\n")
    for _, line in ipairs(thread:get("log")) do f:write(line, "\n") end
    f:close()
  end
end
