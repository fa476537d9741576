namespace LlmSpell.Llm.Local.Download;

/// <summary>How far a download is: bytes on disk (including a resumed part) of <see cref="Total"/> (null when the server does not say).</summary>
public readonly record struct ModelDownloadProgress(long Received, long? Total, long ResumedFrom);
