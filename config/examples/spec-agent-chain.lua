local result = Template.execute("workflow-orchestrator", {
    workflow_config = {
        name = "agent-chain",
        steps = {
            {name = "step1", step_type = "agent", description = "Analyze"},
            {name = "step2", step_type = "agent", description = "Summarize"},
            {name = "step3", step_type = "agent", description = "Review"}
        }
    },
    execution_mode = "sequential",
    model = "ollama/llama3.2:3b"
})

print("Steps executed: " .. result.metrics.custom_metrics.steps_executed)
print("Duration: " .. result.metrics.duration_ms .. "ms")
