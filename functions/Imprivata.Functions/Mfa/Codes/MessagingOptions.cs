namespace Imprivata.Functions.Mfa.Codes;

/// <summary>
/// Which carrier delivers each channel, section "Imprivata:Messaging". The default for both is the local outbox
/// (readable at /outbox in standalone mode): never a production setting, and warned about in Azure.
/// </summary>
public sealed class MessagingOptions
{
    public const string Section = "Imprivata:Messaging";
    public const string Outbox = "Outbox";
    public const string Acs = "Acs";
    public const string Smtp = "Smtp";

    /// <summary>"Outbox" or "Acs" (Azure Communication Services SMS).</summary>
    public string Sms { get; set; } = Outbox;
    /// <summary>"Outbox" or "Smtp".</summary>
    public string Email { get; set; } = Outbox;
    public SmtpOptions SmtpServer { get; set; } = new();
    public AcsSmsOptions AcsSms { get; set; } = new();
}

public enum SmtpTls
{
    /// <summary>Plain connection upgraded with STARTTLS; fails if the server does not offer it (RFC 3207).</summary>
    StartTls = 0,
    /// <summary>TLS from the first byte (implicit TLS, usually port 465; RFC 8314).</summary>
    SslOnConnect = 1,
    /// <summary>No TLS at all: only for a relay on the same host or network.</summary>
    None = 2,
}

/// <summary>SMTP relay, section "Imprivata:Messaging:SmtpServer".</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public SmtpTls Tls { get; set; } = SmtpTls.StartTls;
    /// <summary>Optional; when set the client authenticates (only over TLS unless Tls = None was chosen).</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>Sender address, e.g. "no-reply@example.org".</summary>
    public string From { get; set; } = "";
    public string FromName { get; set; } = "Sign-in";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>Azure Communication Services SMS, section "Imprivata:Messaging:AcsSms".</summary>
public sealed class AcsSmsOptions
{
    /// <summary>The resource endpoint, e.g. https://contoso.communication.azure.com.</summary>
    public string Endpoint { get; set; } = "";
    /// <summary>Base64 access key for HMAC-SHA256 request signing. Leave empty to use the app's Entra identity instead.</summary>
    public string? AccessKey { get; set; }
    /// <summary>The sending number (E.164) or alphanumeric sender id owned by the resource.</summary>
    public string From { get; set; } = "";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}
