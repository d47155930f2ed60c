-- Predictions whose every event carries a fresh id, and in the same connections a label stream
-- at 1 label per prediction: NDJSON label batches for the ids of earlier predictions, a fixed
-- number of events behind (the lag), so each label finds its prediction already stored.
-- Arguments after `--`:
--   TEMPLATES_FILE CONTENT_TYPE EVENTS_PER_BODY LABELS_PER_BODY LABEL_PATH ID_PREFIX
--   PREDICTION_SEQ LABEL_SEQ LAG_EVENTS
-- The templates are prediction bodies separated by NUL bytes, each event's id written as @ID@.
-- PREDICTION_SEQ and LABEL_SEQ continue the previous run's sequences (0 0 for the first), so
-- ids never repeat and a later run does not start with predictions alone.
-- done() prints `WRK_RESULT {json}` (as post.lua) and `WRK_LABELS {json}` with what was issued.

local templates = {}
local next_template = 1
local prediction_headers, label_headers
local events_per_body, labels_per_body, label_path, prefix, lag
-- Globals, not locals: done() runs in another Lua state and reads them with thread:get().
prediction_seq, label_seq = 0, 0
predictions_issued, label_requests_issued = 0, 0
per_body = 0
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  local file = assert(io.open(args[1], "rb"), "cannot open templates file " .. tostring(args[1]))
  local data = file:read("*a")
  file:close()
  local pos = 1
  while pos <= #data do
    local nul = string.find(data, "\0", pos, true)
    local last = nul and (nul - 1) or #data
    -- Split once at the id markers: per request only the ids are concatenated in.
    local parts, body, from = {}, string.sub(data, pos, last), 1
    while true do
      local at = string.find(body, "@ID@", from, true)
      if not at then break end
      parts[#parts + 1] = string.sub(body, from, at - 1)
      from = at + 4
    end
    parts[#parts + 1] = string.sub(body, from)
    templates[#templates + 1] = parts
    if not nul then break end
    pos = nul + 1
  end
  assert(#templates > 0, "no templates in " .. args[1])
  prediction_headers = { ["Content-Type"] = args[2] }
  label_headers = { ["Content-Type"] = "application/x-ndjson" }
  events_per_body = tonumber(args[3])
  per_body = events_per_body
  labels_per_body = tonumber(args[4])
  label_path = args[5]
  prefix = args[6]
  prediction_seq = tonumber(args[7])
  label_seq = tonumber(args[8])
  lag = tonumber(args[9])
  assert(#templates[1] == events_per_body + 1, "a template must hold " .. events_per_body .. " @ID@ markers")
end

local function prediction_request()
  local parts = templates[next_template]
  next_template = next_template % #templates + 1
  local out = {}
  for i = 1, events_per_body do
    out[#out + 1] = parts[i]
    out[#out + 1] = prefix .. (prediction_seq + i)
  end
  out[#out + 1] = parts[events_per_body + 1]
  prediction_seq = prediction_seq + events_per_body
  predictions_issued = predictions_issued + events_per_body
  return wrk.format("POST", wrk.path, prediction_headers, table.concat(out))
end

local function label_request()
  local out = {}
  for i = 1, labels_per_body do
    local n = label_seq + i
    -- Either class, as real outcomes are; which one does not change the work.
    out[#out + 1] = '{"id":"' .. prefix .. n .. '","label":"' .. ((n % 3 == 0) and "pos" or "neg") .. '"}\n'
  end
  label_seq = label_seq + labels_per_body
  label_requests_issued = label_requests_issued + 1
  return wrk.format("POST", label_path, label_headers, table.concat(out))
end

function request()
  -- A label batch as soon as a whole one is `lag` events behind the predictions: the labels
  -- keep pace with the predictions, one per event.
  if prediction_seq - lag - label_seq >= labels_per_body then return label_request() end
  return prediction_request()
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
  local predictions, label_requests, pseq, lseq = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    predictions = predictions + t:get("predictions_issued") / t:get("per_body")
    label_requests = label_requests + t:get("label_requests_issued")
    pseq = math.max(pseq, t:get("prediction_seq"))
    lseq = math.max(lseq, t:get("label_seq"))
  end
  io.write(string.format(
    'WRK_LABELS {"prediction_requests":%d,"label_requests":%d,"prediction_seq":%d,"label_seq":%d}\n',
    predictions, label_requests, pseq, lseq))
end
