using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Llm.Ollama;
using LlmSpell.TestServers;
using Microsoft.Extensions.AI;

namespace LlmSpell.Llm.Tests.Ollama;

public sealed class OllamaChatClientSpec : IClassFixture<OllamaServerFixture>, IDisposable
{
    private const string Model = "llama3.2:3b";
    private readonly OllamaTestServer _server;
    private readonly OllamaEndpoint _ollama;
    private readonly IChatClient _chat;

    public OllamaChatClientSpec(OllamaServerFixture fixture)
    {
        _server = fixture.Server;
        _server.Reset();
        _ollama = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithBaseUrl(_server.BaseUrl));
        _chat = _ollama.AsChatClient(Model);
    }

    public void Dispose() => _ollama.Dispose();

    private static List<ChatMessage> Ask(string text) => [new(ChatRole.User, text)];

    [Fact]
    public async Task Streaming_assembles_the_chunks_into_one_answer_with_usage_and_finish_reason()
    {
        _server.Always(ScriptedReply.Text("The sky is blue").WithUsage(26, 4));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _chat.GetStreamingResponseAsync(Ask("Why is the sky blue?"))) updates.Add(update);
        var response = updates.ToChatResponse();

        updates.Count(u => u.Text.Length > 0).Should().Be(4, "one update per streamed chunk");
        response.Text.Should().Be("The sky is blue");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.ModelId.Should().Be(Model);
        response.Usage!.InputTokenCount.Should().Be(26);
        response.Usage.OutputTokenCount.Should().Be(4);
        response.Usage.TotalTokenCount.Should().Be(30);
        updates[0].CreatedAt.Should().NotBeNull("Ollama's nanosecond timestamps parse");
        var sent = _server.Requests.Single();
        sent.Path.Should().Be("/api/chat");
        sent.Json!["stream"]!.GetValue<bool>().Should().BeTrue();
        sent.Json["model"]!.GetValue<string>().Should().Be(Model);
        sent.Json["messages"]![0]!["role"]!.GetValue<string>().Should().Be("user");
        sent.Json["messages"]![0]!["content"]!.GetValue<string>().Should().Be("Why is the sky blue?");
    }

    [Fact]
    public async Task A_non_streamed_answer_arrives_whole_with_usage()
    {
        _server.Always(ScriptedReply.Text("Hello there friend").WithUsage(7, 3).WithDoneReason("length"));

        var response = await _chat.GetResponseAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, "hi")]);

        response.Text.Should().Be("Hello there friend");
        response.FinishReason.Should().Be(ChatFinishReason.Length);
        response.Usage!.InputTokenCount.Should().Be(7);
        response.Usage.OutputTokenCount.Should().Be(3);
        var sent = _server.Requests.Single().Json!;
        sent["stream"]!.GetValue<bool>().Should().BeFalse();
        sent["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()).Should().Equal("system", "user");
    }

    [Fact]
    public async Task Chat_options_become_model_options_and_request_fields()
    {
        var options = new ChatOptions
        {
            Temperature = 0.25f,
            Seed = 42,
            MaxOutputTokens = 100,
            TopK = 20,
            StopSequences = ["\n\n"],
            AdditionalProperties = new AdditionalPropertiesDictionary { ["num_ctx"] = 8192, ["keep_alive"] = "10m" },
        };

        await _chat.GetResponseAsync(Ask("hi"), options);

        var sent = _server.Requests.Single().Json!;
        var modelOptions = sent["options"]!;
        modelOptions["temperature"]!.GetValue<double>().Should().BeApproximately(0.25, 1e-6);
        modelOptions["seed"]!.GetValue<long>().Should().Be(42);
        modelOptions["num_predict"]!.GetValue<int>().Should().Be(100);
        modelOptions["top_k"]!.GetValue<int>().Should().Be(20);
        modelOptions["num_ctx"]!.GetValue<int>().Should().Be(8192);
        modelOptions["stop"]![0]!.GetValue<string>().Should().Be("\n\n");
        modelOptions["keep_alive"].Should().BeNull("keep_alive is a request field, not a model option");
        sent["keep_alive"]!.GetValue<string>().Should().Be("10m");
    }

    [Fact]
    public async Task The_endpoint_keep_alive_is_sent_when_the_call_names_none()
    {
        using var ollama = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithBaseUrl(_server.BaseUrl).WithKeepAlive("-1"));

        await ollama.AsChatClient(Model).GetResponseAsync(Ask("hi"));

        _server.Requests.Single().Json!["keep_alive"]!.GetValue<string>().Should().Be("-1");
    }

    [Fact]
    public async Task Structured_output_sends_the_schema_as_format_and_json_mode_as_json()
    {
        _server.Always(ScriptedReply.Text("""{"age": 22, "available": true}"""));
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"age":{"type":"integer"},"available":{"type":"boolean"}},"required":["age","available"]}""").RootElement;

        var structured = await _chat.GetResponseAsync(Ask("Ollama is 22 and available."), new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "person") });
        await _chat.GetResponseAsync(Ask("Any JSON"), new ChatOptions { ResponseFormat = ChatResponseFormat.Json });
        await _chat.GetResponseAsync(Ask("Plain"), new ChatOptions { ResponseFormat = ChatResponseFormat.Text });

        JsonNode.Parse(structured.Text)!["age"]!.GetValue<int>().Should().Be(22);
        var requests = _server.Requests;
        JsonNode.DeepEquals(requests[0].Json!["format"], JsonNode.Parse(schema.GetRawText())).Should().BeTrue("the schema goes as format");
        requests[1].Json!["format"]!.GetValue<string>().Should().Be("json");
        requests[2].Json!.AsObject().ContainsKey("format").Should().BeFalse();
    }

    [Fact]
    public async Task Tool_calls_come_back_as_function_calls_and_results_go_back_as_tool_messages()
    {
        _server.OnPrompt("weather", ScriptedReply.ToolCall("get_weather", new JsonObject { ["city"] = "Paris", ["days"] = 2 }), times: 1);
        _server.Always(ScriptedReply.Text("It is sunny in Paris"));
        var weather = AIFunctionFactory.Create((string city, int days) => $"sunny in {city} for {days} days", "get_weather", "Gets the weather");
        var options = new ChatOptions { Tools = [weather] };
        var history = Ask("What is the weather in Paris?");

        var first = await _chat.GetResponseAsync(history, options);

        // OllamaSharp passes Ollama's done_reason through: a turn that calls tools ends with "stop", as Ollama says.
        first.FinishReason.Should().Be(ChatFinishReason.Stop);
        var call = first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        call.Name.Should().Be("get_weather");
        call.Arguments!["city"].Should().BeOfType<JsonElement>().Which.GetString().Should().Be("Paris");
        ((JsonElement)call.Arguments["days"]!).GetInt32().Should().Be(2);
        var tool = _server.Requests[0].Json!["tools"]![0]!;
        tool["type"]!.GetValue<string>().Should().Be("function");
        tool["function"]!["name"]!.GetValue<string>().Should().Be("get_weather");
        tool["function"]!["description"]!.GetValue<string>().Should().Be("Gets the weather");
        tool["function"]!["parameters"]!["properties"]!["city"]!["type"]!.GetValue<string>().Should().Be("string");

        var result = await weather.InvokeAsync(new AIFunctionArguments(call.Arguments));
        history.AddRange(first.Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result)]));
        var second = await _chat.GetResponseAsync(history, options);

        second.Text.Should().Be("It is sunny in Paris");
        var messages = _server.Requests[1].Json!["messages"]!.AsArray();
        messages.Select(m => m!["role"]!.GetValue<string>()).Should().Equal("user", "assistant", "tool");
        messages[1]!["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>().Should().Be("get_weather");
        messages[1]!["tool_calls"]![0]!["function"]!["arguments"]!["city"]!.GetValue<string>().Should().Be("Paris");
        // OllamaSharp sends the result as JSON content carrying the call id (no tool_name field).
        var content = messages[2]!["content"]!.GetValue<string>();
        content.Should().Contain("sunny in Paris for 2 days").And.Contain(call.CallId);
    }

    [Fact]
    public async Task Streamed_tool_calls_arrive_as_function_calls()
    {
        _server.Always(ScriptedReply.ToolCall("lookup", new JsonObject { ["q"] = "llamas" }, id: "call_7"));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in _chat.GetStreamingResponseAsync(Ask("find llamas"), new ChatOptions { Tools = [AIFunctionFactory.Create((string q) => q, "lookup")] }))
            updates.Add(u);

        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        // Call ids are OllamaSharp's own (results are matched back by tool name on Ollama's wire, not by id).
        call.CallId.Should().NotBeNullOrEmpty();
        ((JsonElement)call.Arguments!["q"]!).GetString().Should().Be("llamas");
        updates.Last().FinishReason.Should().Be(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task Cancelling_mid_stream_closes_the_connection_the_server_sees_it()
    {
        _server.Always(ScriptedReply.Text("one two three").StallingAfter(1));
        using var cts = new CancellationTokenSource();
        var received = new List<string>();

        var act = async () =>
        {
            await foreach (var update in _chat.GetStreamingResponseAsync(Ask("count"), cancellationToken: cts.Token))
            {
                received.Add(update.Text);
                await cts.CancelAsync();
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        received.Should().Equal("one ");
        await _server.Requests.Single().Aborted.WaitAsync(Loopback.Patience);
        _ollama.InFlight.Should().Be(0, "the slot is given back");
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_that_names_the_model_and_ollama_pull()
    {
        _server.OnModel("nope:1b", ScriptedReply.Error(404, "model \"nope:1b\" not found, try pulling it first"));

        var act = () => _chat.GetResponseAsync(Ask("hi"), new ChatOptions { ModelId = "nope:1b" });

        var error = (await act.Should().ThrowAsync<LlmModelNotFoundException>()).Which;
        error.Model.Should().Be("nope:1b");
        error.Message.Should().Contain("'nope:1b'").And.Contain("`ollama pull nope:1b`").And.Contain("try pulling it first").And.Contain(_server.BaseUrl.ToString());
        error.IsTransient.Should().BeFalse();
    }

    [Fact]
    public async Task A_server_error_surfaces_its_text_as_a_transient_failure()
    {
        _server.FailTimes(1, 500, "llama runner process has terminated: signal: killed");

        var act = async () =>
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Ask("hi")))
            {
            }
        };

        var error = (await act.Should().ThrowAsync<LlmTransientException>()).Which;
        error.StatusCode.Should().Be(500);
        error.Message.Should().Contain("llama runner process has terminated").And.Contain("HTTP 500");
    }

    [Fact]
    public async Task A_bad_request_is_not_transient_and_shows_the_server_text()
    {
        _server.FailTimes(1, 400, "registry.ollama.ai/library/llama3.2:3b does not support tools");

        var act = () => _chat.GetResponseAsync(Ask("hi"));

        var error = (await act.Should().ThrowAsync<LlmRequestException>()).Which;
        error.StatusCode.Should().Be(400);
        error.Message.Should().Contain("does not support tools");
    }

    [Fact]
    public async Task A_refused_connection_names_the_url_and_how_to_start_ollama()
    {
        var closed = Loopback.ClosedPortUrl();
        using var ollama = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithBaseUrl(closed));

        var act = () => ollama.AsChatClient(Model).GetResponseAsync(Ask("hi"));

        var error = (await act.Should().ThrowAsync<LlmUnavailableException>()).Which;
        error.Endpoint.Should().Be(closed);
        error.Message.Should().Contain(closed.ToString()).And.Contain("connection refused").And.Contain("ollama serve").And.Contain("OLLAMA_HOST");
        error.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task A_stream_that_ends_before_done_is_an_error_not_a_short_answer()
    {
        _server.OnPrompt("truncate", ScriptedReply.Text("a partial answer that goes on").TruncatedAfter(2));
        var received = new List<string>();

        var act = async () =>
        {
            await foreach (var update in _chat.GetStreamingResponseAsync(Ask("truncate"))) received.Add(update.Text);
        };

        var error = (await act.Should().ThrowAsync<LlmTransientException>()).Which;
        error.Message.Should().Contain("ended after 2 chunk(s)").And.Contain("incomplete");
        received.Should().HaveCount(2, "what arrived was passed on, but the call still failed");
        (await _chat.GetResponseAsync(Ask("whole"))).Text.Should().Be("ok", "the next call on the same client works");
    }

    [Fact]
    public async Task A_connection_reset_mid_stream_is_a_transient_error()
    {
        _server.Always(ScriptedReply.Text("a partial answer that goes on").TruncatedAfter(2, abortConnection: true));

        var act = async () =>
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Ask("hi")))
            {
            }
        };

        // The reset may overtake the chunks on the wire: then it fails before any update, still never as a short answer.
        (await act.Should().ThrowAsync<LlmTransientException>()).Which.Message.Should().Contain(_server.BaseUrl.ToString());
    }

    [Fact]
    public async Task A_whole_answer_cut_short_is_a_transient_error_not_a_protocol_error()
    {
        _server.Always(ScriptedReply.Text("a complete answer in one body").TruncatedAfter(0));

        var act = () => _chat.GetResponseAsync(Ask("hi"));

        (await act.Should().ThrowAsync<LlmTransientException>()).Which.Message.Should().Contain("incomplete");
    }

    [Fact]
    public async Task An_invalid_json_line_is_a_protocol_error()
    {
        _server.Always(ScriptedReply.Text("a b c").MalformedAfter(1));

        var act = async () =>
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Ask("hi")))
            {
            }
        };

        (await act.Should().ThrowAsync<LlmProtocolException>()).Which.Message.Should().Contain("line 2 is not valid JSON");
    }

    [Fact]
    public async Task An_error_line_mid_stream_surfaces_its_text()
    {
        _server.Always(ScriptedReply.Text("a b c").ErrorLineAfter(1, "an error was encountered while running the model"));

        var act = async () =>
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Ask("hi")))
            {
            }
        };

        (await act.Should().ThrowAsync<LlmTransientException>()).Which.Message.Should().Contain("an error was encountered while running the model");
    }

    [Fact]
    public async Task The_request_timeout_cancels_a_stalled_request()
    {
        _server.OnPrompt("warm", ScriptedReply.Text("ready"), times: 1).Always(ScriptedReply.Text("never ends").StallingAfter(0));
        // A first call, without the short timeout, warms the client code: the stalled request then surely reaches the
        // server within its 300 ms (a cold process can spend that long before it sends anything).
        using (var warm = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithBaseUrl(_server.BaseUrl)))
            await warm.AsChatClient(Model).GetResponseAsync(Ask("warm"));
        using var ollama = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithBaseUrl(_server.BaseUrl).WithRequestTimeout(TimeSpan.FromMilliseconds(300)));

        // On a loaded machine the timeout can end a call before its request is even sent (the suite saw it once): calls go on,
        // each one ending in the timeout, until one's request reached the server, which must then see it abandoned.
        for (var call = 0; ; call++)
        {
            var prompt = $"hi {call}";
            var act = () => ollama.AsChatClient(Model).GetResponseAsync(Ask(prompt));

            var error = (await act.Should().ThrowAsync<LlmTimeoutException>()).Which;
            error.Message.Should().Contain("request timeout of 300 ms").And.Contain("RequestTimeout");
            if (_server.Requests.SingleOrDefault(r => r.Prompt == prompt) is not { } stalled)
            {
                call.Should().BeLessThan(20, "a request reaches a loopback server within 300 ms at least once in 20 calls");
                continue;
            }
            await stalled.Aborted.WaitAsync(Loopback.Patience);
            break;
        }
    }

    [Fact]
    public async Task A_stream_that_stalls_mid_answer_is_cut_by_the_request_timeout_though_OllamaSharp_reads_the_body_without_a_token()
    {
        _server.Always(ScriptedReply.Text("one two three").StallingAfter(1));
        using var ollama = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithBaseUrl(_server.BaseUrl).WithRequestTimeout(TimeSpan.FromMilliseconds(300)));

        async Task Consume()
        {
            await foreach (var _ in ollama.AsChatClient(Model).GetStreamingResponseAsync(Ask("count")))
            {
            }
        }
        // Bounded: a read that ignored the timeout would wait forever.
        var act = () => Consume().WaitAsync(Loopback.Patience);

        (await act.Should().ThrowAsync<LlmTimeoutException>()).Which.Message.Should().Contain("request timeout of 300 ms");
        ollama.InFlight.Should().Be(0);
    }

    [Fact]
    public async Task Cancelling_while_the_body_read_waits_on_a_silent_server_is_a_cancellation()
    {
        _server.Always(ScriptedReply.Text("one two three").StallingAfter(1));
        using var cts = new CancellationTokenSource();

        async Task Consume()
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Ask("count"), cancellationToken: cts.Token))
                cts.CancelAfter(TimeSpan.FromMilliseconds(50)); // fires while the next read waits, or before it starts: a cancellation either way
        }
        // Bounded: a read that ignored the token would wait forever.
        var act = () => Consume().WaitAsync(Loopback.Patience);

        await act.Should().ThrowAsync<OperationCanceledException>();
        await _server.Requests.Single().Aborted.WaitAsync(Loopback.Patience);
        _ollama.InFlight.Should().Be(0);
    }

    [Fact]
    public async Task Parallel_calls_queue_behind_the_concurrency_limit()
    {
        // The first two wait for each other, so the limit is reached for sure; the delay gives a third every chance to overlap.
        _server.Always(ScriptedReply.Text("ok").WithGate(_server.WaitForRequestsAsync(2)).WithDelay(TimeSpan.FromMilliseconds(40)));
        using var ollama = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithBaseUrl(_server.BaseUrl).WithMaxConcurrency(2));
        var chat = ollama.AsChatClient(Model);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => chat.GetResponseAsync(Ask($"q{i}"))));

        answers.Should().OnlyContain(a => a.Text == "ok");
        _server.RequestCount.Should().Be(8);
        _server.MaxInFlight.Should().Be(2, "never more than the limit, and the limit is used");
    }

    [Fact]
    public async Task Client_level_retries_are_off_by_default_and_retry_transient_failures_when_asked()
    {
        _server.FailTimes(1, 503, "busy");
        var act = () => _chat.GetResponseAsync(Ask("hi"));
        await act.Should().ThrowAsync<LlmTransientException>();
        _server.RequestCount.Should().Be(1);

        _server.Reset();
        _server.FailTimes(2, 503, "busy");
        using var retrying = new OllamaEndpoint(LlmEndpointOptions.Ollama.WithBaseUrl(_server.BaseUrl).WithMaxRetries(2, TimeSpan.FromMilliseconds(1)));
        var answer = await retrying.AsChatClient(Model).GetResponseAsync(Ask("hi"));
        answer.Text.Should().Be("ok");
        _server.RequestCount.Should().Be(3);
    }

    [Fact]
    public async Task Sequential_calls_reuse_one_pooled_connection()
    {
        for (var i = 0; i < 3; i++)
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Ask("streamed")))
            {
            }
            await _chat.GetResponseAsync(Ask("whole"));
        }

        _server.RequestCount.Should().Be(6);
        _server.ConnectionCount.Should().Be(1, "each answer is read to its end, so its connection goes back to the pool");
    }

    [Fact]
    public async Task A_call_without_a_model_says_how_to_give_one()
    {
        var act = () => _ollama.AsChatClient().GetResponseAsync(Ask("hi"));

        (await act.Should().ThrowAsync<LlmConfigurationException>()).Which.Message.Should().Contain("ModelId");
        _server.RequestCount.Should().Be(0);
    }
}
