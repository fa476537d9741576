namespace LlmSpell.Actors;

// Become/Unbecome: the behaviour stack lives on the actor instance, so a restart resets it.
public sealed partial class ActorCell
{
    public void Become(Receive receive) => Actor!.BecomeBehavior(receive, discardOld: true);

    public void BecomeStacked(Receive receive) => Actor!.BecomeBehavior(receive, discardOld: false);

    public void UnbecomeStacked() => Actor!.UnbecomeBehavior();
}
