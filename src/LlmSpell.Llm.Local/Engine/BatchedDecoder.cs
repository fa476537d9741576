using System.Threading.Channels;
using LLama;
using LLama.Batched;
using LLama.Native;

namespace LlmSpell.Llm.Local.Engine;

/// <summary>
/// Decodes every active request of one model together: one loop owns LLamaSharp's <see cref="BatchedExecutor"/> (one
/// context whose KV cache holds a sequence per request) and, per step, runs one batch holding each active sequence's next
/// token (or a new request's whole prompt), then samples each sequence. Requests beyond the sequence limit queue.
/// </summary>
internal sealed class BatchedDecoder : IDisposable
{
    private readonly BatchedExecutor _executor;
    private readonly Channel<Generation> _queue = Channel.CreateUnbounded<Generation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Active> _active = [];
    private readonly int _maxSequences;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _loop;
    private TaskCompletionSource? _held;
    private int _peakBatchSequences;
    private int _queued;
    private int _disposed;
    private Exception? _failure;

    public BatchedDecoder(LLamaWeights weights, LLama.Abstractions.IContextParams contextParams, int maxSequences)
    {
        _executor = new BatchedExecutor(weights, contextParams, null);
        _maxSequences = maxSequences;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The most sequences one decode step has carried so far (1 when requests never overlapped).</summary>
    public int PeakBatchSequences => Volatile.Read(ref _peakBatchSequences);

    /// <summary>Requests waiting for a free sequence.</summary>
    public int Queued => Volatile.Read(ref _queued);

    public void Submit(Generation generation)
    {
        Interlocked.Increment(ref _queued);
        if (_queue.Writer.TryWrite(generation)) return;
        Interlocked.Decrement(ref _queued);
        generation.Writer.TryComplete(Volatile.Read(ref _failure) ?? Unloaded());
    }

    /// <summary>
    /// Pauses the loop before its next step until the returned handle is disposed, so that several requests can be
    /// queued and start in the same step (tests of batching use it; nothing else needs it).
    /// </summary>
    internal IDisposable Hold()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _held, gate);
        return new Release(() =>
        {
            Volatile.Write(ref _held, null);
            gate.TrySetResult();
        });
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        _shutdown.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
        }
        _executor.Dispose();
        _shutdown.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (true)
            {
                if (_active.Count == 0 && !await reader.WaitToReadAsync(_shutdown.Token).ConfigureAwait(false)) return;
                if (Volatile.Read(ref _held) is { } held) await held.Task.WaitAsync(_shutdown.Token).ConfigureAwait(false);
                while (_active.Count < _maxSequences && reader.TryRead(out var next))
                {
                    Interlocked.Decrement(ref _queued);
                    Admit(next);
                }
                if (_active.Count == 0) continue;

                // One queued batch per Infer: llama.cpp keeps only the last decode's logits, so the sequences it
                // carried are sampled now; those whose prompt waits in a later batch (a batch holds ContextSize tokens) next time.
                var result = await _executor.Infer(_shutdown.Token).ConfigureAwait(false);
                if (result != DecodeResult.Ok)
                {
                    FailAll(new InvalidOperationException($"llama.cpp could not decode the batch ({result}); {NativeBackend.LastError()}".TrimEnd(' ', ';')));
                    continue;
                }
                var sampled = 0;
                for (var i = _active.Count - 1; i >= 0; i--)
                {
                    var a = _active[i];
                    if (a.Conversation.RequiresInference) continue;
                    sampled++;
                    if (!Step(a)) Retire(i);
                }
                if (sampled > _peakBatchSequences) Volatile.Write(ref _peakBatchSequences, sampled);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A native or LLamaSharp failure ends the loop: every request, present and future, gets the error.
            Volatile.Write(ref _failure, ex);
        }
        finally
        {
            _queue.Writer.TryComplete();
            var error = Volatile.Read(ref _failure) ?? Unloaded();
            FailAll(error);
            while (reader.TryRead(out var queued))
            {
                Interlocked.Decrement(ref _queued);
                queued.Writer.TryComplete(error);
            }
        }
    }

    private static ObjectDisposedException Unloaded() => new(nameof(BatchedDecoder), "the local model was unloaded");

    private void Admit(Generation generation)
    {
        if (generation.Abandoned)
        {
            generation.Writer.TryComplete();
            return;
        }
        Conversation? conversation = null;
        SafeLLamaSamplerChainHandle? chain = null;
        try
        {
            conversation = _executor.Create();
            chain = SamplerChain.Create(generation.Sampling);
            // Penalties count the prompt's tokens too, as they did before the answer started.
            if (generation.Sampling.HasPenalties)
                foreach (var t in generation.Prompt) chain.Accept(t);
            conversation.Prompt(generation.Prompt);
            _active.Add(new Active(generation, conversation, chain));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            conversation?.Dispose();
            chain?.Dispose();
            generation.Writer.TryComplete(ex);
        }
    }

    /// <summary>Samples the sequence's next token and queues it for the next step; false when the sequence is done.</summary>
    private static bool Step(Active a)
    {
        var g = a.Generation;
        if (g.Abandoned) return false;
        var token = a.Conversation.Sample(a.Chain);
        a.Generated++;
        g.Writer.TryWrite((int)token);
        if (g.IsStop((int)token) || a.Generated >= g.MaxTokens) return false;
        a.Conversation.Prompt(token);
        return true;
    }

    private void Retire(int index)
    {
        var a = _active[index];
        _active.RemoveAt(index);
        a.Generation.Writer.TryComplete();
        a.Dispose();
    }

    private void FailAll(Exception error)
    {
        foreach (var a in _active)
        {
            a.Generation.Writer.TryComplete(error);
            a.Dispose();
        }
        _active.Clear();
    }

    private sealed class Active(Generation generation, Conversation conversation, SafeLLamaSamplerChainHandle chain) : IDisposable
    {
        public Generation Generation { get; } = generation;

        public Conversation Conversation { get; } = conversation;

        public SafeLLamaSamplerChainHandle Chain { get; } = chain;

        public int Generated { get; set; }

        public void Dispose()
        {
            Conversation.Dispose();
            Chain.Dispose();
        }
    }

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
