using LlmSpell.Cli;

return await CliApp.RunAsync(args);
