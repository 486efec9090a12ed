-- GET the URL given to wrk with the bearer token of BENCH_TOKEN.

local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(here .. "common.lua")

function done(summary, latency, requests)
  common.report(summary, latency)
end
