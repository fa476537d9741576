using Microsoft.Extensions.Logging;

namespace LlmSpell.Actors.Event;

/// <summary>Logs the first dead letters (then a count of suppressed ones) so lost messages are never silent.</summary>
internal sealed class DeadLetterListener : ReceiveActor
{
    private int _logged;
    private int _suppressed;

    public DeadLetterListener(int maxLogged)
    {
        Receive<DeadLetter>(d =>
        {
            if (_logged < maxLogged)
            {
                _logged++;
                Log.LogInformation("Message [{MessageType}] from {Sender} to {Recipient} was not delivered: dead letter {Count}/{Max}{Suffix}",
                    d.Message.GetType().Name, d.Sender, d.Recipient, _logged, maxLogged,
                    _logged == maxLogged ? "; further dead letters are counted, not logged" : "");
            }
            else
            {
                _suppressed++;
            }
        });
    }

    protected override void PostStop()
    {
        if (_suppressed > 0) Log.LogInformation("{Count} further dead letters were not logged", _suppressed);
    }
}
