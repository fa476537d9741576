local result = Template.execute("workflow-orchestrator", {
    workflow_config = {
        name = "research-workflow",
        steps = {
            {name = "search", step_type = "tool", description = "Web search"},
            {name = "analyze", step_type = "agent", description = "Analyze results"},
            {name = "format", step_type = "tool", description = "Format output"}
        }
    },
    execution_mode = "sequential",
    collect_intermediate = true,
    max_steps = 5
})

-- Access intermediate results
if result.artifacts then
    for _, artifact in ipairs(result.artifacts) do
        print("Artifact: " .. artifact.path)
    end
end
