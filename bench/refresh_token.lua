-- POST the token endpoint with grant_type=refresh_token and Basic client
-- authentication. A refresh revokes the grant's earlier access tokens but
-- keeps the refresh token, so the same body can be sent again and again.

local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(here .. "common.lua")

wrk.method = "POST"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=refresh_token&refresh_token=" .. os.getenv("BENCH_REFRESH")

function done(summary, latency, requests)
  common.report(summary, latency)
end
