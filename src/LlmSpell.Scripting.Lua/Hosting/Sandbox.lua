-- The sandbox. Runs once with the full standard library, keeps what the host needs in locals (upvalues that scripts
-- cannot reach), then removes everything that could touch the machine: files, processes, native code, the debug
-- library and NLua's .NET bridge. Scripts reach files only through the tools.
local dispatch, stop_signal, cancelled, enforce, budget, interval = ...
local sethook, getinfo, running = debug.sethook, debug.getinfo, coroutine.running
local pack, unpack, concat = table.pack, table.unpack, table.concat
local error, pcall, tostring, select, type, setmetatable, pairs = error, pcall, tostring, select, type, setmetatable, pairs

-- The instruction budget: a count hook on every thread (hooks are per coroutine, so coroutine.create and
-- coroutine.wrap install it on each new one). Once the budget is spent the hook is re-armed to fire on every
-- instruction of every thread, so no pcall can swallow the error: the script unwinds back to the host, which
-- reports the budget whatever the script caught.
local threads = setmetatable({}, { __mode = "k" })
local main = running()
local used, stopped = 0, nil
local function hook()
  if stopped == nil then
    used = used + interval
    if cancelled() then
      stopped = "script cancelled"
    elseif budget > 0 and used >= budget then
      stopped = "instruction budget exceeded"
    end
    if stopped == nil then return end
    stop_signal(stopped)
    sethook(main, hook, "", 1)
    for co in pairs(threads) do sethook(co, hook, "", 1) end
  end
  error(stopped, 2)
end
local function arm(co)
  threads[co] = true
  sethook(co, hook, "", stopped == nil and interval or 1)
end
sethook(main, hook, "", interval)

local co_create, co_resume = coroutine.create, coroutine.resume
coroutine.create = function(f)
  local co = co_create(f)
  arm(co)
  return co
end
coroutine.wrap = function(f)
  local co = coroutine.create(f)
  return function(...)
    local r = pack(co_resume(co, ...))
    if not r[1] then error(r[2], 0) end
    return unpack(r, 2, r.n)
  end
end

-- Calls into .NET: arguments and results pass through `exchange`, the .NET side never raises a Lua error (it
-- reports failure in `exchange.ok`), and the error is raised here, in Lua, at the script's line that made the call:
-- the nearest frame of a script file (host Lua such as Workflow.lua and tail calls are skipped).
local exchange = {}
local function where()
  for level = 3, 64 do
    local info = getinfo(level, "Sl")
    if info == nil then break end
    if info.currentline ~= nil and info.currentline > 0 and info.source:sub(1, 1) == "@" then
      return info.short_src .. ":" .. info.currentline .. ": "
    end
  end
  return ""
end
local function wrap(id)
  return function(...)
    exchange.args = pack(...)
    dispatch(id)
    local ok, value = exchange.ok, exchange.value
    exchange.args, exchange.ok, exchange.value = nil, nil, nil
    if not ok then error(where() .. tostring(value), 0) end
    return value
  end
end

-- How the host runs script code (the main chunk and callbacks): with the memory limit enforced, errors caught.
local function guarded(fn, ...)
  local previous = enforce(true)
  local r = pack(pcall(fn, ...))
  enforce(previous)
  return r
end

local host_print = wrap(0)
print = function(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  host_print(concat(parts, "\t"))
end

local function refused(name, instead)
  return function() error(name .. " is not available in the sandbox" .. (instead or ""), 2) end
end
local files = " (read and write files with the file tools: Tool.invoke(\"file-read\", {path = ...}))"
os = {
  time = os.time, clock = os.clock, date = os.date, difftime = os.difftime,
  execute = refused("os.execute"), exit = refused("os.exit"), getenv = refused("os.getenv"),
  remove = refused("os.remove", files), rename = refused("os.rename", files), tmpname = refused("os.tmpname"),
  setlocale = refused("os.setlocale"),
}
io = setmetatable({}, { __index = function(_, k)
  return refused("io." .. tostring(k), k == "write" and " (print writes to stdout)" or files)
end })
dofile = refused("dofile")
loadfile = refused("loadfile")
require = function(name)
  error("require('" .. tostring(name) .. "'): modules are not available in the sandbox", 2)
end
local raw_load = load
load = function(chunk, name, mode, env)
  if mode ~= nil and mode ~= "t" then error("load: only text chunks are allowed in the sandbox", 2) end
  if env ~= nil then return raw_load(chunk, name, "t", env) end
  return raw_load(chunk, name, "t")
end
local raw_collectgarbage = collectgarbage
collectgarbage = function(opt, ...)
  if opt == nil or opt == "collect" or opt == "count" or opt == "step" then return raw_collectgarbage(opt, ...) end
  error("collectgarbage('" .. tostring(opt) .. "') is not available in the sandbox", 2)
end
string.dump = nil
package = nil
debug = nil
luanet = nil
import = nil

-- JSON's shapes that Lua tables cannot tell apart: a table with this metatable is an array even when empty, and
-- `null` stands for JSON null where nil cannot (inside arrays).
local array_mt = { __jsontype = "array" }
local null = setmetatable({}, { __jsontype = "null", __tostring = function() return "null" end,
  __newindex = function() error("Json.null cannot be changed", 2) end })

return {
  -- The budget is the script's: what the host ran to set up its globals does not count.
  reset_budget = function() used = 0 end,
  array_mt = array_mt,
  null = null,
  wrap = wrap,
  guarded = guarded,
  exchange = exchange,
  newtable = function() return {} end,
}
