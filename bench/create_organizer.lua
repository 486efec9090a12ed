-- POST create_organizer with a slug no other request of this run has used:
-- BENCH_SLUG_PREFIX (unique per measurement), the wrk thread and a counter.

local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(here .. "common.lua")

local prefix = os.getenv("BENCH_SLUG_PREFIX") or "bench"
local threads = 0
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function request()
  counter = counter + 1
  local slug = string.format("%s-%d-%d", prefix, thread_number, counter)
  local body = string.format('{"name":"Bench %s","slug":"%s"}', slug, slug)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  common.report(summary, latency)
end
