-- Mixed load for scripts/soak: catalogue GETs, triage POSTs and invalid bodies,
-- in a fixed rotation. Counts every status; statuses other than 200, 400 and
-- 422 (what the mix asks for) are unexpected. Run with one wrk thread (-t1).
local body = '{"injection":"epidural-steroid","approach":"transforaminal","hoursSinceInjection":30,' ..
  '"symptoms":[{"code":"headache","severity":"moderate"},"facial-flushing"],"conditions":["diabetes"],' ..
  '"bloodGlucoseMgDl":250}'
local json = { ["Content-Type"] = "application/json" }
local requests = {}

-- Built in init: wrk.format takes the Host header from wrk.headers, set after the script loads.
function init(args)
  requests = {
    wrk.format("GET", "/v1/side-effects"),
    wrk.format("GET", "/v1/side-effects?injection=trigger-point&limit=3"),
    wrk.format("GET", "/v1/side-effects/epidural-hematoma"),
    wrk.format("POST", "/v1/triage", json, body),
    wrk.format("GET", "/v1/injections"),
    wrk.format("POST", "/v1/triage", json, body),
    wrk.format("GET", "/v1/checklists/pre-procedure?injection=facet-joint&conditions=diabetes"),
    wrk.format("POST", "/v1/triage", json, '{"injection":"facet-joint","hoursSinceInjection":-1}'),  -- 422
    wrk.format("POST", "/v1/triage", json, '{"injection":'),                                        -- 400
    wrk.format("POST", "/v1/checklists/pre-procedure/review", json, '{"injection":"facet-joint","temperatureC":38.4}'),
    wrk.format("GET", "/healthz"),
  }
end
local next_index = 0
local threads = {}
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_)
  local unexpected = 0
  local parts = {}
  local all = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do all[status] = (all[status] or 0) + count end
  end
  for status, count in pairs(all) do
    table.insert(parts, string.format('"%d":%d', status, count))
    if status ~= 200 and status ~= 400 and status ~= 422 then unexpected = unexpected + count end
  end
  local e = summary.errors
  io.write(string.format(
    'SOAK_RESULT {"requests":%d,"statuses":{%s},"unexpected":%d,"socket_errors":%d,"p99_us":%d}\n',
    summary.requests, table.concat(parts, ","), unexpected,
    e.connect + e.read + e.write + e.timeout, latency:percentile(99)))
end
