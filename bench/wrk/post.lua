-- POST request bodies read from a file, cycling through them (one connection after another
-- gets the next body). The file holds the bodies separated by NUL bytes.
-- Arguments after `--`: BODIES_FILE CONTENT_TYPE [STOP_AFTER_RESPONSES]
-- done() prints one line `WRK_RESULT {json}` that bench/lib/wrk.js reads.

local pool = {}
local next_index = 1
local stop_after = 0
local responses = 0

function init(args)
  local file = assert(io.open(args[1], "rb"), "cannot open bodies file " .. tostring(args[1]))
  local data = file:read("*a")
  file:close()
  local headers = { ["Content-Type"] = args[2] }
  local pos = 1
  while pos <= #data do
    local nul = string.find(data, "\0", pos, true)
    local last = nul and (nul - 1) or #data
    -- Pre-formatted once: per request wrk only copies the bytes.
    pool[#pool + 1] = wrk.format("POST", wrk.path, headers, string.sub(data, pos, last))
    if not nul then break end
    pos = nul + 1
  end
  assert(#pool > 0, "no bodies in " .. args[1])
  stop_after = tonumber(args[3] or "0") or 0
  -- Without a stop count there is nothing to do per response: let wrk skip the Lua call.
  if stop_after <= 0 then response = nil end
end

function request()
  local r = pool[next_index]
  next_index = next_index % #pool + 1
  return r
end

function response(status, headers, body)
  responses = responses + 1
  if responses >= stop_after then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"bytes":%d,"duration_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.bytes, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
