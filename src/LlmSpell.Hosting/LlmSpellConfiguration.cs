using LlmSpell.Workflows.Definitions.Parsing;
using System.Globalization;
using LlmSpell.Llm;
using LlmSpell.Workflows.Agents;
using Microsoft.Extensions.Configuration;

namespace LlmSpell.Hosting;

/// <summary>Invalid LlmSpell configuration: which key, and what is wrong with it.</summary>
public sealed class LlmSpellConfigurationException(string key, string reason)
    : Exception($"{key}: {reason}")
{
    public string Key { get; } = key;
    public string Reason { get; } = reason;
}

/// <summary>Reads <see cref="LlmSpellOptions"/> from the <c>LlmSpell</c> configuration section, checking every value.</summary>
public static class LlmSpellConfiguration
{
    public const string SectionName = "LlmSpell";

    private static readonly string[] RootKeys =
    [
        "SystemName", "DataDirectory", "Journal", "DatabaseFile", "PostgresConnectionString", "PostgresSchema", "ResumeOnStart",
        "DefaultModel", "BuiltInTools", "WorkspaceDirectory", "Llm", "Agents", "Tools", "Logging",
    ];

    private static readonly string[] EndpointKeys =
        ["Kind", "BaseUrl", "ApiKey", "MaxConcurrency", "MaxRetries", "RequestTimeout", "ConnectTimeout", "KeepAlive", "StallWarning"];

    private static readonly string[] AgentKeys = ["Model", "SystemPrompt", "Temperature", "MaxTokens"];

    private static readonly string[] ToolKeys =
        ["MaxFileBytes", "MaxResponseBytes", "HttpTimeout", "AllowedHosts", "AllowPrivateNetworks", "AllowLoopback", "MaxRedirects", "MaxResults"];

    private static readonly string[] LoggingKeys = ["MinimumLevel", "Console", "File", "RetainedFileCountLimit"];

    public static LlmSpellOptions Bind(IConfigurationSection section)
    {
        // A misspelt key would otherwise be ignored and its default used without a word.
        RejectUnknownKeys(section, RootKeys);
        RejectUnknownKeys(section.GetSection("Llm"), ["Endpoints"]);
        RejectUnknownKeys(section.GetSection("Logging"), LoggingKeys);
        var o = LlmSpellOptions.Default;
        if (Str(section, "SystemName") is { } name) o = o.WithSystemName(Require(section, "SystemName", name));
        if (Str(section, "DataDirectory") is { } dir) o = o.WithDataDirectory(ExpandHome(Require(section, "DataDirectory", dir)));
        if (Str(section, "Journal") is { } journal)
        {
            if (!Enum.TryParse<JournalKind>(journal, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
                throw Error(section, "Journal", $"must be one of None, Sqlite, Postgres, got '{journal}'");
            o = o with { Journal = kind };
        }
        if (Str(section, "DatabaseFile") is { } file) o = o with { DatabaseFile = Require(section, "DatabaseFile", file) };
        if (Str(section, "PostgresConnectionString") is { } cs) o = o with { PostgresConnectionString = cs };
        if (Str(section, "PostgresSchema") is { } schema) o = o with { PostgresSchema = schema };
        if (Str(section, "ResumeOnStart") is not null) o = o.WithResumeOnStart(Bool(section, "ResumeOnStart"));
        if (Str(section, "DefaultModel") is { } model) o = o.WithDefaultModel(Model(section, "DefaultModel", model));
        if (Str(section, "BuiltInTools") is not null) o = o.WithBuiltInTools(Bool(section, "BuiltInTools"));
        if (Str(section, "WorkspaceDirectory") is { } ws) o = o.WithWorkspaceDirectory(ws);

        var endpoints = section.GetSection("Llm:Endpoints");
        foreach (var child in endpoints.GetChildren())
        {
            RejectUnknownKeys(child, EndpointKeys);
            var known = o.Llm.Endpoints.TryGetValue(child.Key, out var existing);
            var endpoint = existing ?? LlmEndpointOptions.OpenAI;
            if (Str(child, "Kind") is { } k)
            {
                endpoint = endpoint with
                {
                    Kind = k.ToLowerInvariant() switch
                    {
                        "ollama" => LlmProviderKind.Ollama,
                        "openai" or "openaicompatible" => LlmProviderKind.OpenAICompatible,
                        _ => throw Error(child, "Kind", $"must be ollama or openai, got '{k}'"),
                    },
                };
            }
            else if (!known) throw Error(child, "Kind", "is required for an endpoint other than ollama and openai");
            if (Str(child, "BaseUrl") is { } url)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    throw Error(child, "BaseUrl", $"must be an absolute http(s) URL, got '{url}'");
                endpoint = endpoint.WithBaseUrl(uri);
            }
            if (Str(child, "ApiKey") is { } key) endpoint = endpoint with { ApiKey = key };
            if (Str(child, "MaxConcurrency") is not null) endpoint = endpoint with { MaxConcurrency = Int(child, "MaxConcurrency", min: 1) };
            if (Str(child, "MaxRetries") is not null) endpoint = endpoint with { MaxRetries = Int(child, "MaxRetries", min: 0) };
            if (Str(child, "RequestTimeout") is not null) endpoint = endpoint with { RequestTimeout = Duration(child, "RequestTimeout") };
            if (Str(child, "ConnectTimeout") is not null) endpoint = endpoint with { ConnectTimeout = Duration(child, "ConnectTimeout") };
            if (Str(child, "KeepAlive") is { } keepAlive) endpoint = endpoint with { KeepAlive = keepAlive };
            if (Str(child, "StallWarning") is not null) endpoint = endpoint with { StallWarning = Duration(child, "StallWarning") };
            o = o.WithLlm(l => l.WithEndpoint(child.Key, endpoint));
        }

        foreach (var agent in section.GetSection("Agents").GetChildren())
        {
            RejectUnknownKeys(agent, AgentKeys);
            double? temperature = null;
            if (Str(agent, "Temperature") is { } t)
            {
                if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 2)
                    throw Error(agent, "Temperature", $"must be a number from 0 to 2, got '{t}'");
                temperature = value;
            }
            o = o.WithAgent(new AgentProfile
            {
                Id = agent.Key,
                Model = Str(agent, "Model") is { } m ? Model(agent, "Model", m) : null,
                SystemPrompt = Str(agent, "SystemPrompt"),
                Temperature = temperature,
                MaxTokens = Str(agent, "MaxTokens") is not null ? Int(agent, "MaxTokens", min: 1) : null,
            });
        }

        var tools = section.GetSection("Tools");
        RejectUnknownKeys(tools, ToolKeys);
        var to = o.Tools;
        if (Str(tools, "MaxFileBytes") is not null) to = to with { MaxFileBytes = Int(tools, "MaxFileBytes", min: 1) };
        if (Str(tools, "MaxResponseBytes") is not null) to = to with { MaxResponseBytes = Int(tools, "MaxResponseBytes", min: 1) };
        if (Str(tools, "HttpTimeout") is not null) to = to with { HttpTimeout = Duration(tools, "HttpTimeout") };
        if (Str(tools, "AllowPrivateNetworks") is not null) to = to with { AllowPrivateNetworks = Bool(tools, "AllowPrivateNetworks") };
        if (Str(tools, "AllowLoopback") is not null) to = to with { AllowLoopback = Bool(tools, "AllowLoopback") };
        if (Str(tools, "MaxRedirects") is not null) to = to with { MaxRedirects = Int(tools, "MaxRedirects", min: 0) };
        if (Str(tools, "MaxResults") is not null) to = to with { MaxResults = Int(tools, "MaxResults", min: 1) };
        var hosts = tools.GetSection("AllowedHosts").GetChildren().Select(c => c.Value).OfType<string>().Where(h => h.Length > 0).ToArray();
        if (hosts.Length > 0) to = to.WithAllowedHosts(hosts);
        o = o.WithTools(to);

        return o;
    }

    /// <summary>Checks what only the whole options can tell (after code changes too).</summary>
    public static void Validate(LlmSpellOptions options)
    {
        if (options.Journal == JournalKind.Postgres && string.IsNullOrWhiteSpace(options.PostgresConnectionString))
            throw new LlmSpellConfigurationException($"{SectionName}:PostgresConnectionString", "is required when Journal is Postgres");
        if (options.Journal == JournalKind.Postgres)
        {
            try
            {
                options.ToRunStoreOptions();
            }
            catch (ArgumentException ex)
            {
                var key = ex.ParamName == "schema" ? "PostgresSchema" : "PostgresConnectionString";
                throw new LlmSpellConfigurationException($"{SectionName}:{key}", ex.Message.Split(" (Parameter", 2)[0]);
            }
        }
        CheckProvider(options, $"{SectionName}:DefaultModel", options.DefaultModel);
        foreach (var agent in options.Agents)
            if (agent.Model is { } model) CheckProvider(options, $"{SectionName}:Agents:{agent.Id}:Model", model);
        foreach (var (name, endpoint) in options.Llm.Endpoints)
        {
            if (endpoint.MaxConcurrency < 1)
                throw new LlmSpellConfigurationException($"{SectionName}:Llm:Endpoints:{name}:MaxConcurrency", $"must be at least 1, got {endpoint.MaxConcurrency}");
            if (endpoint.MaxRetries < 0)
                throw new LlmSpellConfigurationException($"{SectionName}:Llm:Endpoints:{name}:MaxRetries", $"must be at least 0, got {endpoint.MaxRetries}");
        }
    }

    private static void CheckProvider(LlmSpellOptions options, string key, string model)
    {
        var provider = ModelSpec.Parse(model).Provider;
        if (!options.Llm.Endpoints.ContainsKey(provider))
            throw new LlmSpellConfigurationException(key, $"provider '{provider}' of model '{model}' has no endpoint; add {SectionName}:Llm:Endpoints:{provider}");
    }

    private static void RejectUnknownKeys(IConfigurationSection section, string[] known)
    {
        foreach (var child in section.GetChildren())
        {
            if (known.Contains(child.Key, StringComparer.OrdinalIgnoreCase)) continue;
            throw Error(section, child.Key,
                $"is not a setting{DidYouMean.Hint(child.Key, known)} (settings here: {string.Join(", ", known)})");
        }
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path;

    private static string? Str(IConfigurationSection s, string key) => s[key] is { } v && v.Length > 0 ? v : null;

    private static LlmSpellConfigurationException Error(IConfigurationSection s, string key, string reason) => new($"{s.Path}:{key}", reason);

    private static string Require(IConfigurationSection s, string key, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw Error(s, key, "must not be empty") : value;

    private static bool Bool(IConfigurationSection s, string key) =>
        bool.TryParse(s[key], out var b) ? b : throw Error(s, key, $"must be true or false, got '{s[key]}'");

    private static int Int(IConfigurationSection s, string key, int min)
    {
        if (!int.TryParse(s[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw Error(s, key, $"must be an integer, got '{s[key]}'");
        if (value < min) throw Error(s, key, $"must be at least {min}, got {value}");
        return value;
    }

    private static TimeSpan Duration(IConfigurationSection s, string key)
    {
        if (!TimeSpan.TryParse(s[key], CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero)
            throw Error(s, key, $"must be a positive duration like 00:05:00, got '{s[key]}'");
        return value;
    }

    private static string Model(IConfigurationSection s, string key, string value)
    {
        try
        {
            ModelSpec.Parse(value);
            return value;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw Error(s, key, $"must be a model spec like ollama/llama3.2:3b, got '{value}'");
        }
    }
}
