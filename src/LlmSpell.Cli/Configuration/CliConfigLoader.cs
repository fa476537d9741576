using LlmSpell.Workflows.Definitions.Parsing;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmSpell.Cli.Output;
using LlmSpell.Workflows.Definitions;
using LlmSpell.Llm;
using LlmSpell.Templates;
using LlmSpell.Tools;
using LlmSpell.Workflows.Agents;

namespace LlmSpell.Cli.Configuration;

/// <summary>
/// Reads the JSON config (<c>--config FILE</c> or <c>LLMSPELL_CONFIG</c>). Keys are snake_case; unknown keys are errors
/// with a did-you-mean, so a typo never silently falls back to a default. Every problem is reported at once.
/// config/llmspell.example.json shows every key.
/// </summary>
public static class CliConfigLoader
{
    public const string EnvironmentVariable = "LLMSPELL_CONFIG";

    private static readonly string[] RootKeys = ["default_model", "data_dir", "models_dir", "stall_warning_s", "endpoints", "agents", "tools", "postgres", "tls"];
    private static readonly string[] EndpointKeys =
        ["kind", "base_url", "api_key", "api_key_env", "max_concurrency", "request_timeout_s", "connect_timeout_s", "max_retries", "keep_alive", "stall_warning_s"];
    private static readonly string[] TlsKeys = ["certificate", "password", "password_env"];
    private static readonly string[] AgentKeys = ["model", "system_prompt", "temperature", "max_tokens"];
    private static readonly string[] ToolKeys =
        ["workspace", "max_file_bytes", "max_response_bytes", "http_timeout_s", "allowed_hosts", "allow_private_networks", "allow_loopback", "max_redirects", "max_results"];

    /// <summary>The config named by <paramref name="path"/>, else by <c>LLMSPELL_CONFIG</c>, else the defaults.</summary>
    public static CliConfig Load(string? path, Func<string, string?>? environment = null)
    {
        path ??= (environment ?? Environment.GetEnvironmentVariable)(EnvironmentVariable) is { Length: > 0 } fromEnv ? fromEnv : null;
        if (path is null) return CliConfig.Default;
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ex is FileNotFoundException or DirectoryNotFoundException
                ? $"config file not found: {full} (given by {(path == full ? "--config" : "--config or LLMSPELL_CONFIG")}); check the path, or drop the option to use the defaults"
                : $"cannot read the config file {full}: {ex.Message}");
        }
        return Parse(text, full);
    }

    public static CliConfig Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new CliException($"{source}: not valid JSON: {ex.Message}");
        }
        var errors = new List<string>();
        var reader = new Reader(errors);
        var config = reader.Root(root, source);
        if (errors.Count > 0)
            throw new CliException(string.Join("\n", ErrorText.Capped(errors, errors.Count, $"{source}: ")) + "\n(see config/llmspell.example.json for every key)") { IsList = true };
        return config with { SourcePath = source };
    }

    private sealed class Reader(List<string> errors)
    {
        public CliConfig Root(JsonNode? node, string source)
        {
            if (node is not JsonObject obj)
            {
                errors.Add("$: the config must be a JSON object");
                return CliConfig.Default;
            }
            Unknown(obj, "$", RootKeys);
            var baseDir = Path.GetDirectoryName(source) ?? Directory.GetCurrentDirectory();
            var model = String(obj, "$", "default_model");
            if (model is not null)
            {
                try
                {
                    model = ModelSpec.Parse(model).ToString();
                }
                catch (FormatException ex)
                {
                    errors.Add($"$.default_model: {ex.Message}");
                }
            }
            var dataDir = String(obj, "$", "data_dir");
            var modelsDir = String(obj, "$", "models_dir");
            return new CliConfig
            {
                DefaultModel = model ?? CliConfig.DefaultModelSpec,
                DataDirectory = dataDir is null ? null : Resolve(baseDir, dataDir),
                Postgres = String(obj, "$", "postgres"),
                Tls = Tls(obj, baseDir),
                StallWarning = Seconds(obj, "$", "stall_warning_s") ?? ChatAgentExecutor.DefaultStallWarning,
                Llm = Endpoints(obj).WithModelsDirectory(modelsDir is null ? null : Resolve(baseDir, modelsDir)),
                Agents = Agents(obj),
                Tools = Tools(obj, baseDir),
            };
        }

        private LlmProviderOptions Endpoints(JsonObject root)
        {
            var options = LlmProviderOptions.Default;
            if (Object(root, "$", "endpoints") is not { } endpoints) return options;
            foreach (var (name, value) in endpoints)
            {
                var path = $"$.endpoints.{name}";
                if (value is not JsonObject e)
                {
                    errors.Add($"{path}: an endpoint must be an object like {{\"kind\": \"ollama\", \"base_url\": \"http://127.0.0.1:11434\"}}");
                    continue;
                }
                Unknown(e, path, EndpointKeys);
                var kindText = String(e, path, "kind");
                var defaults = options.Endpoints.TryGetValue(name, out var known) ? known : null;
                LlmProviderKind kind;
                switch (kindText?.ToLowerInvariant())
                {
                    case null when defaults is not null: kind = defaults.Kind; break;
                    case null:
                        errors.Add($"{path}.kind: a new endpoint needs a kind: \"ollama\" or \"openai\" (OpenAI-compatible: vLLM, llama.cpp, LM Studio)");
                        continue;
                    case "ollama": kind = LlmProviderKind.Ollama; break;
                    case "openai" or "openai-compatible" or "openai_compatible": kind = LlmProviderKind.OpenAICompatible; break;
                    default:
                        errors.Add($"{path}.kind: unknown kind '{kindText}'; use \"ollama\" or \"openai\"");
                        continue;
                }
                var endpoint = (defaults is not null && defaults.Kind == kind ? defaults : new LlmEndpointOptions()) with { Kind = kind };
                if (String(e, path, "base_url") is { } url)
                {
                    if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") endpoint = endpoint.WithBaseUrl(uri);
                    else errors.Add($"{path}.base_url: '{url}' is not an absolute http:// or https:// URL");
                }
                var key = String(e, path, "api_key");
                var keyEnv = String(e, path, "api_key_env");
                if (key is not null && keyEnv is not null) errors.Add($"{path}: set api_key or api_key_env, not both (api_key_env is safer: the key stays out of the file)");
                if (keyEnv is not null) endpoint = endpoint.WithApiKey(Environment.GetEnvironmentVariable(keyEnv));
                else if (key is not null) endpoint = endpoint.WithApiKey(key);
                if (Int(e, path, "max_concurrency", 1) is { } concurrency) endpoint = endpoint.WithMaxConcurrency(concurrency);
                if (Seconds(e, path, "request_timeout_s") is { } request) endpoint = endpoint.WithRequestTimeout(request);
                if (Seconds(e, path, "connect_timeout_s") is { } connect) endpoint = endpoint.WithConnectTimeout(connect);
                if (Int(e, path, "max_retries", 0) is { } retries) endpoint = endpoint.WithMaxRetries(retries);
                if (String(e, path, "keep_alive") is { } keepAlive) endpoint = endpoint.WithKeepAlive(keepAlive);
                if (Seconds(e, path, "stall_warning_s") is { } stall) endpoint = endpoint.WithStallWarning(stall);
                if (name.Contains('/')) errors.Add($"{path}: an endpoint name must not contain '/' (it is the part before '/' in model specs)");
                else options = options.WithEndpoint(name, endpoint);
            }
            return options;
        }

        private List<AgentProfile> Agents(JsonObject root)
        {
            var agents = new List<AgentProfile>();
            if (Object(root, "$", "agents") is not { } obj) return agents;
            foreach (var (id, value) in obj)
            {
                var path = $"$.agents.{id}";
                if (value is not JsonObject a)
                {
                    errors.Add($"{path}: an agent must be an object like {{\"model\": \"ollama/llama3.2:3b\", \"system_prompt\": \"...\"}}");
                    continue;
                }
                Unknown(a, path, AgentKeys);
                var model = String(a, path, "model");
                if (model is not null)
                {
                    try
                    {
                        model = ModelSpec.Parse(model).ToString();
                    }
                    catch (FormatException ex)
                    {
                        errors.Add($"{path}.model: {ex.Message}");
                    }
                }
                var temperature = Number(a, path, "temperature");
                if (temperature is < 0 or > 2) errors.Add($"{path}.temperature: must be from 0 to 2, got {temperature}");
                agents.Add(new AgentProfile
                {
                    Id = id,
                    Model = model,
                    SystemPrompt = String(a, path, "system_prompt"),
                    Temperature = temperature,
                    MaxTokens = Int(a, path, "max_tokens", 1),
                });
            }
            return agents;
        }

        private TlsConfig? Tls(JsonObject root, string baseDir)
        {
            if (Object(root, "$", "tls") is not { } t) return null;
            const string path = "$.tls";
            Unknown(t, path, TlsKeys);
            var certificate = String(t, path, "certificate");
            var password = String(t, path, "password");
            var passwordEnv = String(t, path, "password_env");
            if (password is not null && passwordEnv is not null) errors.Add($"{path}: set password or password_env, not both (password_env is safer: the password stays out of the file)");
            return new TlsConfig(certificate is null ? null : Resolve(baseDir, certificate),
                passwordEnv is not null ? Environment.GetEnvironmentVariable(passwordEnv) : password);
        }

        private ToolsOptions Tools(JsonObject root, string baseDir)
        {
            var tools = ToolsOptions.Default;
            if (Object(root, "$", "tools") is not { } t) return tools;
            const string path = "$.tools";
            Unknown(t, path, ToolKeys);
            if (String(t, path, "workspace") is { } workspace) tools = tools.WithWorkspaceDirectory(Resolve(baseDir, workspace));
            if (Int(t, path, "max_file_bytes", 1) is { } fileBytes) tools = tools.WithMaxFileBytes(fileBytes);
            if (Int(t, path, "max_response_bytes", 1) is { } responseBytes) tools = tools.WithMaxResponseBytes(responseBytes);
            if (Seconds(t, path, "http_timeout_s") is { } http) tools = tools.WithHttpTimeout(http);
            if (t["allowed_hosts"] is { } hosts)
            {
                if (hosts is JsonArray array && array.All(h => h is JsonValue v && v.TryGetValue<string>(out _)))
                    tools = tools.WithAllowedHosts(array.Select(h => h!.GetValue<string>()));
                else errors.Add($"{path}.allowed_hosts: must be an array of host names, e.g. [\"api.example.com\", \"*.example.org\"]");
            }
            if (Bool(t, path, "allow_private_networks") is { } privateNets) tools = tools.WithAllowPrivateNetworks(privateNets);
            if (Bool(t, path, "allow_loopback") is { } loopback) tools = tools.WithAllowLoopback(loopback);
            if (Int(t, path, "max_redirects", 0) is { } redirects) tools = tools.WithMaxRedirects(redirects);
            if (Int(t, path, "max_results", 1) is { } results) tools = tools.WithMaxResults(results);
            return tools;
        }

        private void Unknown(JsonObject obj, string path, string[] known)
        {
            foreach (var (key, _) in obj)
            {
                if (!known.Contains(key, StringComparer.Ordinal))
                    errors.Add($"{path}.{key}: unknown key{DidYouMean.Hint(key, known)} (known: {string.Join(", ", known)})");
            }
        }

        private JsonObject? Object(JsonObject obj, string path, string key)
        {
            var node = obj[key];
            if (node is null or JsonObject) return node as JsonObject;
            errors.Add($"{path}.{key}: must be an object");
            return null;
        }

        private string? String(JsonObject obj, string path, string key)
        {
            var node = obj[key];
            if (node is null) return null;
            if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
            errors.Add($"{path}.{key}: must be a string, got {node.ToJsonString()}");
            return null;
        }

        private bool? Bool(JsonObject obj, string path, string key)
        {
            var node = obj[key];
            if (node is null) return null;
            if (node is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
            errors.Add($"{path}.{key}: must be true or false, got {node.ToJsonString()}");
            return null;
        }

        private double? Number(JsonObject obj, string path, string key)
        {
            var node = obj[key];
            if (node is null) return null;
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number) return v.GetValue<double>();
            errors.Add($"{path}.{key}: must be a number, got {node.ToJsonString()}");
            return null;
        }

        private int? Int(JsonObject obj, string path, string key, int min)
        {
            var number = Number(obj, path, key);
            if (number is null) return null;
            if (number != Math.Floor(number.Value) || number < min || number > int.MaxValue)
            {
                errors.Add($"{path}.{key}: must be a whole number of at least {min}, got {obj[key]!.ToJsonString()}");
                return null;
            }
            return (int)number.Value;
        }

        private TimeSpan? Seconds(JsonObject obj, string path, string key)
        {
            var number = Number(obj, path, key);
            if (number is null) return null;
            if (number <= 0)
            {
                errors.Add($"{path}.{key}: must be a number of seconds above 0, got {obj[key]!.ToJsonString()}");
                return null;
            }
            return TimeSpan.FromSeconds(number.Value);
        }

        private static string Resolve(string baseDir, string path)
        {
            if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
                path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "");
            return Path.GetFullPath(Path.Combine(baseDir, path));
        }
    }
}
