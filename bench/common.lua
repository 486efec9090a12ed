-- Shared by the benchmark's wrk scripts: the bearer token from BENCH_TOKEN and
-- one JSON line of results that bench/load.py reads back.

local common = {}

local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function common.report(summary, latency)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
    '"timeouts":%d,"bad_status":%d}\n',
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), latency.max, errors.connect, errors.read,
    errors.write, errors.timeout, errors.status))
end

return common
