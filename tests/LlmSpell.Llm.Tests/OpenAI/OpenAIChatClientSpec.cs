using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Llm.OpenAI;
using LlmSpell.TestServers;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Tests.OpenAI;

public sealed class OpenAIChatClientSpec : IClassFixture<OpenAiServerFixture>, IDisposable
{
    private const string Model = "qwen2.5-7b-instruct";
    private const string Key = "sk-test-secret-key-123";
    private readonly OpenAiTestServer _server;
    private readonly OpenAICompatibleClient _openAI;
    private readonly IChatClient _chat;

    public OpenAIChatClientSpec(OpenAiServerFixture fixture)
    {
        _server = fixture.Server;
        _server.Reset();
        _openAI = new OpenAICompatibleClient(LlmEndpointOptions.OpenAI.WithBaseUrl(_server.BaseUrl).WithApiKey(Key), environment: _ => null);
        _chat = _openAI.AsChatClient(Model);
    }

    public void Dispose() => _openAI.Dispose();

    private static List<ChatMessage> Ask(string text) => [new(ChatRole.User, text)];

    [Fact]
    public async Task Streaming_assembles_the_answer_and_reads_usage_from_the_include_usage_chunk()
    {
        _server.Always(ScriptedReply.Text("Paris is the capital").WithUsage(31, 4));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in _chat.GetStreamingResponseAsync(Ask("Capital of France?"))) updates.Add(u);
        var response = updates.ToChatResponse();

        response.Text.Should().Be("Paris is the capital");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(31);
        response.Usage.OutputTokenCount.Should().Be(4);
        response.ModelId.Should().Be(Model);
        var sent = _server.Requests.Single();
        sent.Path.Should().Be("/v1/chat/completions");
        sent.Json!["stream"]!.GetValue<bool>().Should().BeTrue();
        sent.Json["stream_options"]!["include_usage"]!.GetValue<bool>().Should().BeTrue();
        sent.Json["model"]!.GetValue<string>().Should().Be(Model);
        sent.Headers["authorization"].Should().Be($"Bearer {Key}");
    }

    [Fact]
    public async Task A_non_streamed_answer_carries_usage_and_options_reach_the_wire()
    {
        _server.Always(ScriptedReply.Text("ok then").WithUsage(5, 2).WithDoneReason("length"));

        var response = await _chat.GetResponseAsync(Ask("hi"), new ChatOptions { Temperature = 0.5f, MaxOutputTokens = 64, Instructions = "Be terse." });

        response.Text.Should().Be("ok then");
        response.FinishReason.Should().Be(ChatFinishReason.Length);
        response.Usage!.TotalTokenCount.Should().Be(7);
        var sent = _server.Requests.Single().Json!;
        sent["temperature"]!.GetValue<double>().Should().BeApproximately(0.5, 1e-6);
        sent["max_completion_tokens"]!.GetValue<int>().Should().Be(64);
        sent["messages"]![0]!["role"]!.GetValue<string>().Should().Be("system");
    }

    [Fact]
    public async Task Streamed_tool_call_fragments_become_whole_function_calls()
    {
        _server.Always(ScriptedReply.ToolCall("get_weather", new JsonObject { ["city"] = "Oslo", ["unit"] = "celsius" }, id: "call_abc"));
        var tool = AIFunctionFactory.Create((string city, string unit) => $"{city}:{unit}", "get_weather");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in _chat.GetStreamingResponseAsync(Ask("weather in Oslo"), new ChatOptions { Tools = [tool] })) updates.Add(u);

        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        call.CallId.Should().Be("call_abc");
        call.Name.Should().Be("get_weather");
        ((JsonElement)call.Arguments!["city"]!).GetString().Should().Be("Oslo");
        ((JsonElement)call.Arguments["unit"]!).GetString().Should().Be("celsius");
        updates.Select(u => u.FinishReason).Should().Contain(ChatFinishReason.ToolCalls);
        _server.Requests.Single().Json!["tools"]![0]!["function"]!["name"]!.GetValue<string>().Should().Be("get_weather");

        // The result goes back as a tool message tied to the call id.
        _server.Always(ScriptedReply.Text("3 degrees"));
        List<ChatMessage> history = [.. Ask("weather in Oslo"), .. updates.ToChatResponse().Messages, new(ChatRole.Tool, [new FunctionResultContent("call_abc", "Oslo:celsius")])];
        (await _chat.GetResponseAsync(history, new ChatOptions { Tools = [tool] })).Text.Should().Be("3 degrees");
        var messages = _server.Requests[1].Json!["messages"]!.AsArray();
        messages.Select(m => m!["role"]!.GetValue<string>()).Should().Equal("user", "assistant", "tool");
        messages[1]!["tool_calls"]![0]!["id"]!.GetValue<string>().Should().Be("call_abc");
        messages[2]!["tool_call_id"]!.GetValue<string>().Should().Be("call_abc");
    }

    [Fact]
    public async Task A_json_schema_goes_as_response_format()
    {
        _server.Always(ScriptedReply.Text("""{"n":1}"""));
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"n":{"type":"integer"}}}""").RootElement;

        await _chat.GetResponseAsync(Ask("n?"), new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "count") });

        var format = _server.Requests.Single().Json!["response_format"]!;
        format["type"]!.GetValue<string>().Should().Be("json_schema");
        format["json_schema"]!["name"]!.GetValue<string>().Should().Be("count");
        format["json_schema"]!["schema"]!["properties"]!["n"]!["type"]!.GetValue<string>().Should().Be("integer");
    }

    [Fact]
    public async Task A_stream_without_a_finish_reason_is_an_error()
    {
        _server.Always(ScriptedReply.Text("cut off here please").TruncatedAfter(2));

        var act = async () =>
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Ask("hi")))
            {
            }
        };

        (await act.Should().ThrowAsync<LlmTransientException>()).Which.Message.Should().Contain("without a finish_reason");
    }

    [Fact]
    public async Task Errors_are_typed_and_carry_the_server_text_but_never_the_key()
    {
        _server.OnModel("gpt-nope", ScriptedReply.Error(404, "The model `gpt-nope` does not exist"));
        _server.OnModel("busy", ScriptedReply.Error(429, "Rate limit reached"));
        _server.OnModel("locked", ScriptedReply.Error(401, "Incorrect API key provided"));

        var missing = await Record.ExceptionAsync(() => _chat.GetResponseAsync(Ask("hi"), new ChatOptions { ModelId = "gpt-nope" }));
        var limited = await Record.ExceptionAsync(() => _chat.GetResponseAsync(Ask("hi"), new ChatOptions { ModelId = "busy" }));
        var denied = await Record.ExceptionAsync(() => _chat.GetResponseAsync(Ask("hi"), new ChatOptions { ModelId = "locked" }));

        missing.Should().BeOfType<LlmModelNotFoundException>().Which.Message.Should().Contain("gpt-nope").And.Contain("does not exist");
        limited.Should().BeOfType<LlmTransientException>().Which.StatusCode.Should().Be(429);
        denied.Should().BeOfType<LlmRequestException>().Which.Message.Should().Contain("Incorrect API key provided").And.Contain("OPENAI_API_KEY");
        foreach (var error in new[] { missing, limited, denied }) error!.ToString().Should().NotContain(Key);
        LlmEndpointOptions.OpenAI.WithApiKey(Key).ToString().Should().NotContain(Key).And.Contain("***");
    }

    [Fact]
    public async Task A_streamed_request_that_fails_shows_the_error_text()
    {
        _server.FailTimes(1, 503, "The engine is currently overloaded");

        var act = async () =>
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Ask("hi")))
            {
            }
        };

        var error = (await act.Should().ThrowAsync<LlmTransientException>()).Which;
        error.StatusCode.Should().Be(503);
        error.Message.Should().Contain("The engine is currently overloaded");
    }

    [Fact]
    public async Task Cancelling_mid_stream_closes_the_connection()
    {
        _server.Always(ScriptedReply.Text("one two three").StallingAfter(1));
        using var cts = new CancellationTokenSource();

        var act = async () =>
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Ask("count"), cancellationToken: cts.Token)) await cts.CancelAsync();
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        await _server.Requests.Single().Aborted.WaitAsync(Loopback.Patience);
    }

    [Fact]
    public async Task A_refused_connection_says_which_server_and_how_to_point_at_one()
    {
        var closed = Loopback.ClosedPortUrl();
        using var client = new OpenAICompatibleClient(LlmEndpointOptions.OpenAI.WithBaseUrl(closed), environment: _ => null);

        var act = () => client.AsChatClient("m").GetResponseAsync(Ask("hi"));

        (await act.Should().ThrowAsync<LlmUnavailableException>()).Which.Message.Should().Contain(closed.ToString()).And.Contain("OPENAI_BASE_URL");
    }

    [Fact]
    public async Task Parallel_calls_respect_the_concurrency_limit()
    {
        _server.Always(ScriptedReply.Text("ok").WithGate(_server.WaitForRequestsAsync(3)).WithDelay(TimeSpan.FromMilliseconds(40)));
        using var client = new OpenAICompatibleClient(LlmEndpointOptions.OpenAI.WithBaseUrl(_server.BaseUrl).WithMaxConcurrency(3), environment: _ => null);
        var chat = client.AsChatClient(Model);

        await Task.WhenAll(Enumerable.Range(0, 9).Select(_ => chat.GetResponseAsync(Ask("hi"))));

        _server.RequestCount.Should().Be(9, "the SDK's own retries are off");
        _server.MaxInFlight.Should().Be(3);
    }
}
