namespace LlmSpell.Actors.Scheduling;

/// <summary>Delivers messages later, once or repeatedly.</summary>
public interface IScheduler
{
    /// <summary>The clock the scheduler runs on (a fake one in tests).</summary>
    TimeProvider TimeProvider { get; }

    ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef sender);

    ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef sender);

    ICancelable ScheduleOnce(TimeSpan delay, Action action);
}
