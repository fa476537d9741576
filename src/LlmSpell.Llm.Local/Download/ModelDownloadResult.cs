namespace LlmSpell.Llm.Local.Download;

/// <summary>A finished download: the file, its size and SHA-256, and whether it resumed a partial file or was already there.</summary>
public sealed record ModelDownloadResult(string Path, long Bytes, string Sha256, long ResumedFrom, bool AlreadyPresent);
