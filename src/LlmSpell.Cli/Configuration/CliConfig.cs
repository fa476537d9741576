using LlmSpell.Llm;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;

namespace LlmSpell.Cli.Configuration;

/// <summary>The settings of a CLI session: LLM endpoints, named agents, tool limits, the default model and the data directory.</summary>
public sealed record CliConfig
{
    public const string DefaultModelSpec = "ollama/llama3.2:3b";

    public static readonly CliConfig Default = new();

    /// <summary>The file it was read from; null: built-in defaults.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The model of agent steps that name none (the template's <c>model</c> parameter overrides it for its runs).</summary>
    public string DefaultModel { get; init; } = DefaultModelSpec;

    /// <summary>Null: <c>--data-dir</c>, <c>LLMSPELL_DATA_DIR</c>, or the platform's default.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// The cluster's PostgreSQL (Npgsql keyword form; <c>Search Path</c> picks the schema): the workflow commands then work on
    /// the cluster's shared journal and reach runs on their nodes. Null: the local SQLite journal. <c>--postgres</c> overrides it.
    /// </summary>
    public string? Postgres { get; init; }

    /// <summary>The cluster's TLS certificate (<c>tls</c>); <c>--tls-certificate</c> and <c>LLMSPELL_TLS_*</c> win over it. Null: none.</summary>
    public TlsConfig? Tls { get; init; }

    /// <summary>
    /// Silence from a model server after which an agent step shows "waiting for … — no tokens for N s" (<c>stall_warning_s</c>);
    /// an endpoint's own <c>stall_warning_s</c> wins.
    /// </summary>
    public TimeSpan StallWarning { get; init; } = ChatAgentExecutor.DefaultStallWarning;

    public LlmProviderOptions Llm { get; init; } = LlmProviderOptions.Default;
    public IReadOnlyList<AgentProfile> Agents { get; init; } = [];
    public ToolsOptions Tools { get; init; } = ToolsOptions.Default;
}

/// <summary>The config's <c>tls</c>: the cluster's certificate (a PKCS#12 file) and its password.</summary>
public sealed record TlsConfig(string? CertificatePath, string? Password)
{
    // A record prints every property: the password must not reach a log or a message that prints the config.
    public override string ToString() => $"TlsConfig {{ CertificatePath = {CertificatePath} }}";
}
