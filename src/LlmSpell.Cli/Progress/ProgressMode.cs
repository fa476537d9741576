namespace LlmSpell.Cli.Progress;

/// <summary>How progress is shown: redrawn on a terminal, plain lines on stderr, or not at all.</summary>
internal enum ProgressMode
{
    Live,
    Plain,
    Off,
}
