local result = Template.execute("workflow-orchestrator", {
    workflow_config = {
        name = "my-workflow",
        steps = {
            {name = "analyze", step_type = "agent"},
            {name = "search", step_type = "tool"}
        }
    },
    execution_mode = "sequential"
})

print(result.result)
