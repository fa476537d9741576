-- The Lua side of the Workflow global: table constructors, the fluent builder and the workflow object's methods.
-- A workflow is its definition in the JSON format of docs/workflow-format.md (as a Lua table); Lua functions may
-- stand as steps, and workflow objects as nested workflows. The .NET side validates and runs the definition.
local execute, graph, register_step, observed, signal = ...
local Workflow = {}
local WF = {}
WF.__index = WF
local handlers = {}

local function is_workflow(t) return getmetatable(t) == WF end
local function copy(t) local c = {} for k, v in pairs(t) do c[k] = v end return c end

local normalize
local function normalize_step(step)
  if type(step) == "function" then step = { fn = step } end
  if is_workflow(step) then return { name = step.def.name, step_type = "workflow", workflow = normalize(step.def) } end
  if type(step) ~= "table" then
    error("a step must be a table, a function or a workflow, got " .. type(step), 0)
  end
  local out = copy(step)
  if out.fn ~= nil then
    if type(out.fn) ~= "function" then error("step '" .. tostring(out.name) .. "': fn must be a function(input, ctx)", 0) end
    -- A custom step: a tool step whose tool runs the function; its input is a template like any step's.
    out.tool = register_step(out.fn)
    out.parameters = { input = out.input == nil and "{{input}}" or out.input }
    out.fn, out.input, out.type = nil, nil, nil
    out.step_type = "tool"
  end
  if out.workflow ~= nil then
    if is_workflow(out.workflow) then out.workflow = normalize(out.workflow.def)
    elseif type(out.workflow) == "table" then out.workflow = normalize(out.workflow) end
    if out.step_type == nil and out.type == nil then out.step_type = "workflow" end
  end
  return out
end

local function normalize_steps(steps)
  if type(steps) ~= "table" then return steps end
  local out = {}
  for i, s in ipairs(steps) do out[i] = normalize_step(s) end
  return out
end

normalize = function(def)
  local out = copy(def)
  out.steps = normalize_steps(def.steps)
  if type(def.branches) == "table" then
    out.branches = {}
    for i, b in ipairs(def.branches) do
      local nb = copy(b)
      nb.steps = normalize_steps(b.steps)
      out.branches[i] = nb
    end
  end
  if type(def.workflows) == "table" then
    out.workflows = {}
    for name, w in pairs(def.workflows) do out.workflows[name] = normalize(is_workflow(w) and w.def or w) end
  end
  return out
end

local loop_keys = { "range", "for_each", "while", "break_when", "max_iterations", "aggregation", "delay_ms" }

local function new(def)
  return setmetatable({ def = def, name = def.name }, WF)
end

local function constructor(kind)
  return function(spec)
    if type(spec) ~= "table" then
      error("Workflow." .. kind .. " expects a table: Workflow." .. kind .. "{name = ..., steps = {...}}", 2)
    end
    local def = copy(spec)
    def.type = kind
    if kind == "loop" and def.loop == nil then
      -- Workflow.loop{for_each = ..., steps = ...}: the iteration keys may sit on the workflow itself.
      local loop = {}
      for _, k in ipairs(loop_keys) do loop[k], def[k] = def[k], nil end
      def.loop = loop
    end
    return new(def)
  end
end

Workflow.sequential = constructor("sequential")
Workflow.parallel = constructor("parallel")
Workflow.conditional = constructor("conditional")
Workflow.loop = constructor("loop")

--- wf:execute(input) runs the workflow and returns its result; it raises only when the definition is invalid.
function WF:execute(input)
  local result = execute(normalize(self.def), input)
  rawset(self, "last", result)
  return result
end

--- The output of a step in the last run.
function WF:get_output(step)
  local last = rawget(self, "last")
  if last == nil then error("wf:get_output('" .. tostring(step) .. "'): the workflow has not run yet; call wf:execute first", 2) end
  return last.outputs[step]
end

--- The workflow as a Mermaid flowchart (or "dot").
function WF:graph(format)
  return graph(normalize(self.def), format or "mermaid")
end

--- The definition as a table in the JSON format (Lua steps become their tools).
function WF:definition()
  return normalize(self.def)
end

-- The fluent builder: Workflow.builder("name"):parallel():step{...}:max_concurrency(2):build()
local Builder = {}
Builder.__index = Builder

function Workflow.builder(name)
  return setmetatable({ def = { name = name } }, Builder)
end

local function setter(key)
  return function(self, value) self.def[key] = value return self end
end
local function config_setter(key)
  return function(self, value)
    self.def.config = self.def.config or {}
    self.def.config[key] = value
    return self
  end
end

Builder.name = setter("name")
Builder.description = setter("description")
Builder.type = setter("type")
function Builder:sequential() self.def.type = "sequential" return self end
function Builder:parallel() self.def.type = "parallel" return self end
function Builder:conditional() self.def.type = "conditional" return self end
function Builder:loop(spec)
  if type(spec) ~= "table" then error("builder:loop expects the iteration: {range = ...} | {for_each = ...} | {while = ..., max_iterations = N}", 2) end
  self.def.type = "loop"
  self.def.loop = spec
  return self
end
function Builder:step(step)
  self.def.steps = self.def.steps or {}
  table.insert(self.def.steps, step)
  return self
end
function Builder:branch(branch)
  if type(branch) ~= "table" then error("builder:branch expects a table {name = ..., condition = ..., steps = {...}}", 2) end
  self.def.branches = self.def.branches or {}
  table.insert(self.def.branches, branch)
  return self
end
function Builder:workflow(name, wf)
  self.def.workflows = self.def.workflows or {}
  self.def.workflows[name] = wf
  return self
end
function Builder:config(key, value)
  if type(key) == "table" then
    for k, v in pairs(key) do config_setter(k)(self, v) end
    return self
  end
  return config_setter(key)(self, value)
end
Builder.timeout = config_setter("timeout_s")
Builder.step_timeout = config_setter("step_timeout_s")
Builder.error_strategy = config_setter("error_strategy")
Builder.retry = config_setter("retry")
Builder.max_concurrency = config_setter("max_concurrency")
Builder.fail_fast = config_setter("fail_fast")
Builder.continue_on_optional_failure = config_setter("continue_on_optional_failure")
Builder.mode = config_setter("mode")
function Builder:build() return new(copy(self.def)) end

--- Workflow.on("step_completed", function(event) ... end); "*" receives every event.
function Workflow.on(event, fn)
  if type(event) ~= "string" then error("Workflow.on expects an event name (e.g. 'step_completed', or '*' for all)", 2) end
  if type(fn) ~= "function" then error("Workflow.on('" .. event .. "', fn): fn must be a function(event)", 2) end
  handlers[event] = handlers[event] or {}
  table.insert(handlers[event], fn)
  observed()
end

--- Workflow.signal(run_id, name [, payload]) delivers a signal to a run's waiting wait step (its payload becomes
--- the step's output); typically from a Workflow.on("signal_awaited") handler while wf:execute waits.
Workflow.signal = signal

local function emit(kind, event)
  for _, fn in ipairs(handlers[kind] or {}) do fn(event) end
  for _, fn in ipairs(handlers["*"] or {}) do fn(event) end
end

return Workflow, emit
