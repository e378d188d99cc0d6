-- wrk script: Prometheus-style POST /api/v2/alerts to Alertmanager, one alert per request.
-- KEYS=unique gives every alert its own label set; otherwise 100 alerts repeat.
local unique = os.getenv("KEYS") == "unique"
local threads = 0
local counter = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  local key = unique and (id .. "-" .. counter) or ("repeat-" .. (counter % 100))
  local body = '[{"labels":{"alertname":"Bench","key":"' .. key .. '","severity":"error"},"annotations":{"summary":"bench"}}]'
  return wrk.format("POST", "/api/v2/alerts", {["Content-Type"] = "application/json"}, body)
end
