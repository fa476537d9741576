using LlmSpell.Bench;

return await BenchRunner.RunAsync(args);
