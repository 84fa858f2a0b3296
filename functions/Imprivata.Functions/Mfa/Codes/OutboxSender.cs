using Imprivata.Core.Mfa.Codes;
using Imprivata.Storage.Mfa.Codes;

namespace Imprivata.Functions.Mfa.Codes;

/// <summary>The embedded default carrier: keeps messages in the "Outbox" table for /outbox instead of delivering them.</summary>
public sealed partial class OutboxSender(IOutboxStore outbox, TimeProvider time, ILogger<OutboxSender> logger) : ISmsSender, IEmailSender
{
    public Task<SendResult> SendAsync(SmsMessage message, CancellationToken ct) => KeepAsync(CodeChannel.Sms, message.To, "", message.Text, ct);

    public Task<SendResult> SendAsync(EmailMessage message, CancellationToken ct) => KeepAsync(CodeChannel.Email, message.To, message.Subject, message.Text, ct);

    private async Task<SendResult> KeepAsync(CodeChannel channel, string to, string subject, string text, CancellationToken ct)
    {
        await outbox.AddAsync(new OutboxMessage
        {
            Id = TableOutboxStore.NewId(),
            Channel = channel,
            To = to,
            Subject = subject,
            Text = text,
            SentAt = time.GetUtcNow(),
        }, ct).ConfigureAwait(false);
        LogKept(logger, channel.Name());
        return SendResult.Sent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An {Channel} message was kept in the local outbox (read it at /outbox in standalone mode)")]
    private static partial void LogKept(ILogger logger, string channel);
}
