using System.Threading.Channels;
using LlmSpell.Llm.Local.Sampling;
using LLama.Native;

namespace LlmSpell.Llm.Local.Engine;

/// <summary>
/// One request being decoded: its prompt, how to sample, and the tokens produced so far (a channel the decoder writes and
/// the caller reads). Disposing it (or cancelling its token) drops the sequence at the decoder's next step.
/// </summary>
public sealed class Generation : IDisposable
{
    private readonly Channel<int> _tokens = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop;
    private int _disposed;

    internal Generation(LLamaToken[] prompt, SamplingOptions sampling, int maxTokens, Func<int, bool> isStop, CancellationToken cancellationToken)
    {
        Prompt = prompt;
        Sampling = sampling;
        MaxTokens = maxTokens;
        IsStop = isStop;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>The generated token ids, ending after a stop token, at the token limit, or with the decoder's error.</summary>
    public ChannelReader<int> Tokens => _tokens.Reader;

    internal LLamaToken[] Prompt { get; }

    internal SamplingOptions Sampling { get; }

    internal int MaxTokens { get; }

    internal Func<int, bool> IsStop { get; }

    internal bool Abandoned => _stop.IsCancellationRequested;

    internal ChannelWriter<int> Writer => _tokens.Writer;

    /// <summary>Tells the decoder that nobody reads any more (a stop string was seen, or the caller left).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop.Cancel();
        _stop.Dispose();
    }
}
