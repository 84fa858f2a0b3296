using Imprivata.Core.Mfa.Codes;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Imprivata.Functions.Mfa.Codes;

/// <summary>E-mail through an SMTP relay with MailKit. One connection per message (codes are rare; SmtpClient is not thread-safe).</summary>
public sealed partial class SmtpEmailSender(SmtpOptions options, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task<SendResult> SendAsync(EmailMessage message, CancellationToken ct)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(options.FromName, options.From));
        // Callers validate addresses (Destinations); a bad one here is refused, never thrown at the login page.
        if (!MailboxAddress.TryParse(message.To, out var to))
            return SendResult.Failed("smtp_bad_recipient");
        mime.To.Add(to);
        mime.Subject = message.Subject;
        mime.Body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html }.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(options.Host, options.Port, Socket(options.Tls), ct).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(options.Username))
                await client.AuthenticateAsync(options.Username, options.Password ?? "", ct).ConfigureAwait(false);
            await client.SendAsync(mime, ct).ConfigureAwait(false);
            await client.DisconnectAsync(true, ct).ConfigureAwait(false);
            return SendResult.Sent;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException or CommandException
            or AuthenticationException or SslHandshakeException or TimeoutException or NotSupportedException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // The exception type and SMTP status say what went wrong; the message text (the code) is never logged.
            LogFailed(logger, options.Host, options.Port, e.GetType().Name, (e as SmtpCommandException)?.StatusCode.ToString() ?? "");
            return SendResult.Failed("smtp_error");
        }
    }

    private static SecureSocketOptions Socket(SmtpTls tls) => tls switch
    {
        SmtpTls.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpTls.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP delivery through {Host}:{Port} failed: {ErrorType} {SmtpStatus}")]
    private static partial void LogFailed(ILogger logger, string host, int port, string errorType, string smtpStatus);
}
