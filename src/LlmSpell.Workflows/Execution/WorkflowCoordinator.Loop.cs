using System.Text.Json.Nodes;
using Akka.Actor;
using LlmSpell.Workflows.Conditions;
using LlmSpell.Workflows.Data;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Workflows.Events;
using LlmSpell.Workflows.Results;

namespace LlmSpell.Workflows.Execution;

// Loop: an iterator. The body runs per item/index; break conditions and max_iterations are
// checked after every iteration; iteration outputs are aggregated.
internal sealed partial class WorkflowCoordinator
{
    private sealed class NextIteration
    {
        public static readonly NextIteration Instance = new();
    }

    private LoopSpec? _loop;
    private JsonArray? _loopItems;
    private long _iteration;
    private readonly List<JsonNode?> _iterationOutputs = [];

    private void StartLoop()
    {
        _loop = _definition.Loop ?? new LoopSpec { Iterator = new RangeIterator(0, 1, 1) };
        if (_loop.Iterator is ForEachIterator forEach)
        {
            JsonNode? items;
            try
            {
                items = forEach.Items?.DeepClone() ?? (forEach.Source is { } source ? _scope.Resolve(source) : null);
            }
            catch (TemplateReferenceException ex)
            {
                Finish(RunStatus.Failed, null, $"loop '{_definition.Name}': its for_each source cannot be read: {ex.Message}{NoInputHint(forEach.Source)}");
                return;
            }
            if (items is not JsonArray array)
            {
                Finish(RunStatus.Failed, null,
                    $"loop '{_definition.Name}': its for_each source {forEach.Source} is not an array (it is {(items is null ? "null" : items.GetValueKind().ToString().ToLowerInvariant())}); give it a JSON array");
                return;
            }
            _loopItems = array;
        }
        NextLoopIteration();
    }

    /// <summary>The item of the next iteration, or false when the loop is over.</summary>
    private bool TryNextItem(out JsonNode? item)
    {
        item = null;
        if (_iteration >= _loop!.MaxIterations) return false;
        switch (_loop.Iterator)
        {
            case RangeIterator range:
                var value = range.Start + _iteration * range.Step;
                if (range.Step > 0 ? value >= range.End : value <= range.End) return false;
                item = JsonValue.Create(value);
                return true;
            case ForEachIterator:
                if (_iteration >= _loopItems!.Count) return false;
                item = _loopItems[(int)_iteration]?.DeepClone();
                return true;
            case WhileIterator w:
                // Decided before the iteration runs, on what it will see: its index and no item
                // (else loop.index would be missing at the first check, or one behind later).
                return ConditionEvaluator.Evaluate(w.Condition, _scope with { LoopItem = null, LoopIndex = _iteration });
            default:
                return false;
        }
    }

    private void NextLoopIteration()
    {
        if (_finished) return;
        JsonNode? item;
        try
        {
            if (!TryNextItem(out item))
            {
                FinishLoop();
                return;
            }
        }
        catch (ConditionEvaluationException ex)
        {
            Finish(RunStatus.Failed, Aggregate(), $"the loop's while condition: {ex.Message}");
            return;
        }
        var index = _iteration;
        _scope = _scope with { LoopItem = item, LoopIndex = index };
        Emit(Stamp(new IterationStarted(index, item?.DeepClone())));
        RunList(new StepList(_definition.Steps, Combine(_spec.Path, $"[{index}]"), list =>
        {
            if (list.Failed)
            {
                Finish(RunStatus.Failed, Aggregate(), $"iteration {index}: {list.Error}");
                return;
            }
            _iterationOutputs.Add(list.LastOutput?.DeepClone());
            Emit(Stamp(new IterationCompleted(index, list.LastOutput?.DeepClone())));
            _iteration++;
            try
            {
                if (_loop!.BreakWhen is { } breakWhen && ConditionEvaluator.Evaluate(breakWhen, _scope))
                {
                    FinishLoop();
                    return;
                }
            }
            catch (ConditionEvaluationException ex)
            {
                Finish(RunStatus.Failed, Aggregate(), $"the loop's break_when condition: {ex.Message}");
                return;
            }
            if (_loop.DelayBetweenIterations > TimeSpan.Zero) Timers.StartSingleTimer("next-iteration", NextIteration.Instance, _loop.DelayBetweenIterations);
            // At once: an iteration's steps already went through the mailbox (their results are messages), so cancel and
            // status interleave with iterations. Every 64th goes through the mailbox all the same, so that a body that
            // completes without a message (replayed steps of a resumed run) neither deepens the stack nor starves it.
            else if (_iteration % 64 != 0) NextLoopIteration();
            else Self.Tell(NextIteration.Instance, Self);
        }));
    }

    private void FinishLoop()
    {
        var output = Aggregate();
        SetState(_definition.Name, output?.DeepClone());
        Finish(EndStatus, output, null);
    }

    private JsonNode? Aggregate()
    {
        var n = _loop!.AggregationCount;
        IEnumerable<JsonNode?>? selected = _loop.Aggregation switch
        {
            LoopAggregation.CollectAll => _iterationOutputs,
            LoopAggregation.FirstN => _iterationOutputs.Take(n),
            LoopAggregation.LastN => _iterationOutputs.TakeLast(n),
            _ => null,
        };
        if (_loop.Aggregation == LoopAggregation.Last) return _iterationOutputs.Count == 0 ? null : _iterationOutputs[^1]?.DeepClone();
        return selected is null ? null : new JsonArray(selected.Select(o => o?.DeepClone()).ToArray());
    }
}
