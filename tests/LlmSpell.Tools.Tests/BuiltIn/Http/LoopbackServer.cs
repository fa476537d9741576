using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmSpell.Tools.Tests.BuiltIn.Http;

/// <summary>A Kestrel server on 127.0.0.1 (a free port) with the endpoints the http-request specs need; records each path hit.</summary>
public sealed class LoopbackServer : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<string> Hits { get; } = new();

    public string Url(string path) => new Uri(BaseUrl, path).ToString();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            Hits.Enqueue(context.Request.Path + context.Request.QueryString);
            await next(context);
        });
        app.MapGet("/hello", () => Results.Text("hello", "text/plain"));
        app.MapGet("/json", () => Results.Json(new { a = 1, b = new[] { "x" } }));
        app.MapMethods("/echo", ["POST", "PUT"], async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            return Results.Json(new
            {
                method = request.Method,
                body = await reader.ReadToEndAsync(),
                contentType = request.ContentType,
                test = request.Headers["X-Test"].ToString(),
                authorization = request.Headers.Authorization.ToString(),
            });
        });
        app.MapGet("/big", () => Results.Text(new string('x', 3000)));
        app.MapGet("/redirect", () => Results.Redirect("/hello"));
        app.MapGet("/redirect-echo", (HttpRequest request) => Results.Text("auth=" + request.Headers.Authorization));
        app.MapGet("/redirect-same", () => Results.Redirect("/redirect-echo"));
        app.MapGet("/redirect-cross", (HttpRequest request) => Results.Redirect($"http://localhost:{request.Host.Port}/redirect-echo"));
        app.MapGet("/redirect-private", () => Results.Redirect("http://10.1.2.3/"));
        app.MapGet("/loop", () => Results.Redirect("/loop"));
        app.MapPost("/see-other", () => Results.Redirect("/hello"));
        app.MapGet("/slow", async (HttpContext context) =>
        {
            // Answers only when the client gives up: the tool's timeout is what ends the exchange.
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
            return Results.Text("late");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri(address);
        _app = app;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
