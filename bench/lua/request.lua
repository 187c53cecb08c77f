-- One request shape for wrk, filled in per request.
--   wrk ... URL -- METHOD PATH BODY MAX_ID SALT [MAX_CONTACT]
-- In PATH and BODY, "{id}" becomes a random lead id in 1..MAX_ID and every "{n}" a number no
-- other request of this run uses (SALT keeps runs apart). The "{contact}"s of one request are
-- consecutive contact ids from a random start in 1..MAX_CONTACT, wrapping round past
-- MAX_CONTACT: distinct within the request (up to MAX_CONTACT of them), and a fresh random
-- start for each request. BODY "" sends no body.
-- done() prints one line, "WRK_JSON {...}", that bench/load.py reads.

local threads = {}
local headers = { ["Content-Type"] = "application/json" }
local method, path, body, max_id, max_contact, base
local counter = 0
local contact = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tag", #threads)
end

function init(args)
  method = args[1]
  path = args[2]
  body = args[3]
  if body == "" then body = nil end
  max_id = tonumber(args[4]) or 1
  max_contact = tonumber(args[6]) or 1
  base = ((tonumber(args[5]) or 0) * 100 + (tag or 1)) * 10000000
  math.randomseed(os.time() + (tag or 1) * 7919)
end

local function next_n()
  counter = counter + 1
  return tostring(base + counter)
end

local function next_contact()
  contact = contact % max_contact + 1
  return tostring(contact)
end

local function fill(text, id)
  if text == nil then return nil end
  text = text:gsub("{id}", id)
  text = text:gsub("{n}", next_n)
  text = text:gsub("{contact}", next_contact)
  return text
end

function request()
  local id = tostring(math.random(1, max_id))
  contact = math.random(1, max_contact) - 1
  return wrk.format(method, fill(path, id), headers, fill(body, id))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,'
      .. '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,'
      .. '"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max))
end
