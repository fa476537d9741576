using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor.Setup;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace LlmSpell.Cluster;

/// <summary>
/// TLS for a cluster's remoting with the cluster's own certificate, which every node and console client holds (typically
/// self-signed): both sides of every connection present it (mutual TLS) and accept a peer only if it presents that same
/// certificate — pinned by its SHA-256 hash, not by a CA or a host name. TLS proves the peer holds the certificate's private key,
/// so whoever lacks the key (or speaks plaintext) is refused before a single Akka message is read.
/// </summary>
/// <remarks>
/// Akka.Remote's HOCON can only validate a peer against the system's CA store (useless for a self-signed certificate) or not at
/// all (<c>suppress-validation</c>: any certificate, anyone's); pinning needs a validator, which only a
/// <see cref="DotNettySslSetup"/> carries. So the configuration says <see cref="Hocon"/> and the actor system is created with
/// <see cref="ToSetup"/>; the password is used once, to load the file, and is kept nowhere (nor in any configuration Akka could log).
/// </remarks>
public sealed class RemotingTls
{
    /// <summary>The remoting configuration of TLS; the certificate and validation come with <see cref="ToSetup"/>.</summary>
    public const string Hocon = "akka.remote.dot-netty.tcp.enable-ssl = true";

    private RemotingTls(X509Certificate2 certificate)
    {
        Certificate = certificate;
        Sha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    /// <summary>The cluster's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The hex SHA-256 hash of <see cref="Certificate"/>: the only peer certificate accepted.</summary>
    public string Sha256 { get; }

    /// <summary>
    /// The cluster's certificate from a PKCS#12 file (.pfx/.p12) with its private key; <paramref name="password"/> null or empty: a
    /// file without one. Throws <see cref="TlsCertificateException"/> saying what is wrong with the file (never the password).
    /// </summary>
    public static RemotingTls FromPkcs12File(string path, string? password)
    {
        var full = Path.GetFullPath(path);
        // The loader reports a missing file as unreadable data, like a wrong password: tell them apart first.
        if (Directory.Exists(full)) throw new TlsCertificateException(full, TlsCertificateProblem.Unreadable, "it is a directory, not a file");
        if (!File.Exists(full)) throw new TlsCertificateException(full, TlsCertificateProblem.NotFound, "there is no such file");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(full, string.IsNullOrEmpty(password) ? null : password);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TlsCertificateException(full, TlsCertificateProblem.Unreadable, $"it cannot be read ({ex.Message.TrimEnd('.')})", ex);
        }
        catch (CryptographicException ex)
        {
            // A PKCS#12 file that does not open is a wrong password; anything else is not PKCS#12 at all (e.g. a PEM certificate).
            throw IsPkcs12(full)
                ? new TlsCertificateException(full, TlsCertificateProblem.WrongPassword, "the password does not open it", ex)
                : new TlsCertificateException(full, TlsCertificateProblem.NotPkcs12,
                    "it is not a PKCS#12 (.pfx) file; a PEM certificate and key convert with 'openssl pkcs12 -export -in cert.pem -inkey key.pem -out cluster.pfx'", ex);
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new TlsCertificateException(full, TlsCertificateProblem.NoPrivateKey,
                "it holds no private key; export the certificate together with its key (openssl pkcs12 -export -inkey key.pem …)");
        }
        var now = DateTime.Now;
        if (now < certificate.NotBefore || now > certificate.NotAfter)
        {
            var what = string.Create(CultureInfo.InvariantCulture,
                $"it is valid only from {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} to {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC; make a new one");
            certificate.Dispose();
            throw new TlsCertificateException(full, TlsCertificateProblem.OutOfDate, what);
        }
        return new RemotingTls(certificate);
    }

    private static bool IsPkcs12(string path)
    {
        try
        {
            return X509Certificate2.GetCertContentType(path) == X509ContentType.Pkcs12;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The actor system's TLS: this certificate, mutual authentication, and only peers presenting this certificate.</summary>
    public Setup ToSetup() => new DotNettySslSetup(Certificate, suppressValidation: false, requireMutualAuthentication: true,
        // Host names say nothing here: nodes are reached by IP or by names the certificate need not list.
        validateCertificateHostname: false, customValidator: IsClusterCertificate);

    private bool IsClusterCertificate(X509Certificate2? peer, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter log)
    {
        // The chain's errors (an untrusted self-signed root, a name mismatch) do not matter: the pinned hash names the one certificate.
        var presented = peer?.GetCertHashString(HashAlgorithmName.SHA256);
        if (string.Equals(presented, Sha256, StringComparison.OrdinalIgnoreCase)) return true;
        log.Warning("Refused the TLS connection with {0}: it presented {1}, not the cluster's certificate (SHA-256 {2})",
            remotePeer, peer is null ? "no certificate" : $"'{peer.Subject}' (SHA-256 {presented})", Sha256);
        return false;
    }

    public override string ToString() => $"TLS with the certificate '{Certificate.Subject}' (SHA-256 {Sha256})";
}
