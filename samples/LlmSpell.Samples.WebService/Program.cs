using LlmSpell.Samples.WebService;

var app = SampleApp.Build(args);
await app.RunAsync();
