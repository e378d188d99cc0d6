-- wrk script: PagerDuty Events v2 triggers. ROUTING_KEY is the integration key; KEYS=unique gives every
-- event its own dedup key (each opens an alert and an incident), otherwise 100 keys repeat (deduplicated).
local routing = os.getenv("ROUTING_KEY")
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
  local body = '{"routing_key":"' .. routing .. '","event_action":"trigger","dedup_key":"' .. key ..
    '","payload":{"summary":"bench ' .. key .. '","source":"bench","severity":"error"}}'
  return wrk.format("POST", "/v2/enqueue", {["Content-Type"] = "application/json"}, body)
end
