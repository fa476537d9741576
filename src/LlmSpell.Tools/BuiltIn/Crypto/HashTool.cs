using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmSpell.Tools.BuiltIn.Crypto;

/// <summary><c>hash</c>: MD5, SHA-1, SHA-256, SHA-384 or SHA-512 of text or base64 bytes, as hex or base64.</summary>
public sealed class HashTool() : Tool(
    "hash",
    "Hashes text or bytes with md5, sha1, sha256, sha384 or sha512, as hex or base64.",
    """
    {
      "type": "object",
      "properties": {
        "input": { "type": "string", "description": "What to hash." },
        "inputEncoding": { "type": "string", "enum": ["text", "base64"], "default": "text", "description": "text: hashed as UTF-8; base64: decoded to bytes first." },
        "algorithm": { "type": "string", "enum": ["md5", "sha1", "sha256", "sha384", "sha512"], "default": "sha256" },
        "encoding": { "type": "string", "enum": ["hex", "base64"], "default": "hex" }
      },
      "required": ["input"],
      "additionalProperties": false
    }
    """,
    """
    {
      "type": "object",
      "properties": { "hash": { "type": "string" }, "algorithm": { "type": "string" }, "encoding": { "type": "string" } },
      "required": ["hash", "algorithm", "encoding"]
    }
    """,
    ["hash-calculator"])
{
    protected override Task<JsonNode?> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var bytes = Input(arguments);
        var algorithm = arguments.String("algorithm");
        var digest = algorithm switch
        {
            "md5" => MD5.HashData(bytes),
            "sha1" => SHA1.HashData(bytes),
            "sha384" => SHA384.HashData(bytes),
            "sha512" => SHA512.HashData(bytes),
            _ => SHA256.HashData(bytes),
        };
        var encoding = arguments.String("encoding");
        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["hash"] = encoding == "base64" ? Convert.ToBase64String(digest) : Convert.ToHexStringLower(digest),
            ["algorithm"] = algorithm,
            ["encoding"] = encoding,
        });
    }

    private static byte[] Input(ToolArguments arguments)
    {
        var input = arguments.String("input");
        if (arguments.String("inputEncoding") == "text") return Encoding.UTF8.GetBytes(input);
        try
        {
            return Convert.FromBase64String(input);
        }
        catch (FormatException ex)
        {
            throw arguments.Invalid("input", "base64", "is not valid base64 (inputEncoding is 'base64')", inner: ex);
        }
    }
}
