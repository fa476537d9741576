-- Sales per region from data/sales.csv: tools, a loop workflow of calculator steps nested in a sequential one,
-- and a Lua function as a step. Tools only: no LLM server needed.
--   llmspell run config/examples/sales-by-region.lua [--arg file=data/sales.csv] [--arg out=reports/sales-by-region.md]
local file = ARGS.file or "data/sales.csv"
local out = ARGS.out or "reports/sales-by-region.md"

local csv = Tool.invoke("file-read", {path = file})
local sales = Tool.invoke("csv-to-json", {csv = csv.content, inferTypes = true})

local completed = 0
Workflow.on("step_completed", function(event) completed = completed + 1 end)

-- units x unit_price for every row, one calculator step per row
local line_revenue = Workflow.loop{
  name = "line-revenue",
  for_each = "{{input.rows}}",
  max_iterations = 1000,
  steps = {
    {name = "multiply", step_type = "tool", tool = "calculator",
     parameters = {expression = "units * unit_price",
                   variables = {units = "{{loop.item.units}}", unit_price = "{{loop.item.unit_price}}"}}},
  },
}

local report = Workflow.sequential{
  name = "sales-by-region",
  steps = {
    {name = "revenue", workflow = line_revenue},
    -- A Lua function as a step: it runs on the actor runtime like any step, with its input rendered from templates.
    {name = "by-region", input = {rows = "{{input.rows}}", revenues = "{{steps.revenue.output}}"},
     fn = function(input)
       local totals, order = {}, {}
       for i, row in ipairs(input.rows) do
         if totals[row.region] == nil then totals[row.region] = 0; order[#order + 1] = row.region end
         totals[row.region] = totals[row.region] + input.revenues[i].result
       end
       table.sort(order)
       local lines = {"# Sales by region", "", "| region | revenue |", "|---|---:|"}
       for _, region in ipairs(order) do
         lines[#lines + 1] = string.format("| %s | %.2f |", region, totals[region])
       end
       return {totals = totals, regions = order, markdown = table.concat(lines, "\n") .. "\n"}
     end},
    {name = "save", step_type = "tool", tool = "file-write",
     parameters = {path = out, content = "{{steps.by-region.output.markdown}}"}},
  },
}

local result = report:execute({rows = sales.rows})
if not result.success then error("sales-by-region failed: " .. tostring(result.error)) end

local by_region = report:get_output("by-region")
for _, region in ipairs(by_region.regions) do
  print(string.format("%-8s %10.2f", region, by_region.totals[region]))
end
print(string.format("%d rows, %d steps completed, report written to %s", #sales.rows, completed, report:get_output("save").path))
return by_region.totals
