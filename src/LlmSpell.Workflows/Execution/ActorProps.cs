using Akka.Actor;

namespace LlmSpell.Workflows.Execution;

/// <summary>
/// Props that create an actor by calling a factory. Akka's <c>Props.Create(() =&gt; new T(…))</c> takes an expression tree
/// and evaluates it each time: too slow for props made per run and per step attempt.
/// </summary>
internal static class ActorProps
{
    public static Props Of<T>(Func<T> create) where T : ActorBase => Props.CreateBy(new Producer<T>(create));

    private sealed class Producer<T>(Func<T> create) : IIndirectActorProducer where T : ActorBase
    {
        public Type ActorType => typeof(T);

        public ActorBase Produce() => create();

        public void Release(ActorBase actor)
        {
        }
    }
}
