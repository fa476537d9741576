namespace LlmSpell.Cluster;

/// <summary>Why a TLS certificate file cannot be used; the message names the file and what is wrong, never the password.</summary>
public enum TlsCertificateProblem
{
    /// <summary>No file at the path.</summary>
    NotFound,

    /// <summary>The file exists but cannot be read (permissions, a directory, an I/O error).</summary>
    Unreadable,

    /// <summary>A PKCS#12 file that the given password (or none) does not open.</summary>
    WrongPassword,

    /// <summary>Not a PKCS#12 (.pfx/.p12) file.</summary>
    NotPkcs12,

    /// <summary>The certificate comes without its private key: it cannot prove this side's identity.</summary>
    NoPrivateKey,

    /// <summary>The certificate is expired or not valid yet.</summary>
    OutOfDate,
}

/// <summary>A cluster's TLS certificate cannot be used (<see cref="RemotingTls.FromPkcs12File"/>).</summary>
public sealed class TlsCertificateException(string path, TlsCertificateProblem problem, string what, Exception? innerException = null)
    : Exception($"cannot use the TLS certificate {path}: {what}", innerException)
{
    /// <summary>The full path of the certificate file.</summary>
    public string CertificatePath { get; } = path;

    public TlsCertificateProblem Problem { get; } = problem;

    /// <summary>What is wrong with the file, and for most problems what to do.</summary>
    public string What { get; } = what;
}
