# Shared by the ingestion benchmarks (sourced, not run): on a Tocsin just started on 127.0.0.1:PORT, an owner, a token,
# a service named NAME and a PagerDuty integration key with no practical rate limit; prints the routing key.
#   key=$(bench_integration_key BINARY PORT NAME [database flags…])
bench_integration_key() {
  local bin=$1 port=$2 name=$3; shift 3
  "$bin" user create --email bench@example.com --name Bench --role owner --invite "$@" >/dev/null 2>&1 || true
  local token service
  token=$("$bin" token create --email bench@example.com "$@" 2>/dev/null)
  service=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "{\"name\":\"$name\",\"tier\":2}" \
    "http://127.0.0.1:$port/api/v1/services" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"type":"pagerduty","rate_limit_per_minute":1000000}' \
    "http://127.0.0.1:$port/api/v1/services/$service/integration-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])'
}
