using Imprivata.Core.Mfa.Codes;
using Imprivata.Functions.Mfa.Codes;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace Imprivata.Functions.Tests.Mfa.Codes;

public class SmtpEmailSenderTests
{
    private static SmtpOptions Options(int port, SmtpTls tls = SmtpTls.None) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Tls = tls,
        From = "no-reply@example.org",
        FromName = "Example sign-in",
    };

    [Fact]
    public async Task Send_ToRealSmtpServer_EnvelopeHeadersAndBothBodiesCarryTheCode()
    {
        await using var peer = await SmtpPeer.StartAsync();
        var sender = new SmtpEmailSender(Options(peer.Port), NullLogger<SmtpEmailSender>.Instance);

        var result = await sender.SendAsync(new EmailMessage("ann@example.org", "Your sign-in code",
            "Your sign-in code is 042917. It expires in 5 minutes.", "<p>Your sign-in code is 042917.</p>"), CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        var received = peer.Next();
        Assert.Equal("no-reply@example.org", received.From);
        Assert.Equal(["ann@example.org"], received.To);
        using var raw = new MemoryStream(Convert.FromBase64String(received.Data));
        var message = await MimeMessage.LoadAsync(raw);
        Assert.Equal("no-reply@example.org", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("Example sign-in", message.From.Mailboxes.Single().Name);
        Assert.Equal("ann@example.org", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Your sign-in code", message.Subject);
        Assert.Contains("042917", message.TextBody);
        Assert.Contains("042917", message.HtmlBody);
    }

    [Fact]
    public async Task Send_StartTlsRequiredButNotOffered_FailsClearly()
    {
        await using var peer = await SmtpPeer.StartAsync();
        var sender = new SmtpEmailSender(Options(peer.Port, SmtpTls.StartTls), NullLogger<SmtpEmailSender>.Instance);

        var result = await sender.SendAsync(new EmailMessage("ann@example.org", "s", "Your sign-in code is 111111."), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("smtp_error", result.Error);
    }

    [Fact]
    public async Task Send_NothingListening_FailsClearly_LogWithoutCode()
    {
        var logs = new ListLogger<SmtpEmailSender>();
        var sender = new SmtpEmailSender(Options(Ports.FreeTcp()), logs);

        var result = await sender.SendAsync(new EmailMessage("ann@example.org", "s", "Your sign-in code is 731904."), CancellationToken.None);

        Assert.Equal("smtp_error", result.Error);
        var line = Assert.Single(logs.Lines);
        Assert.DoesNotContain("731904", line);
        Assert.DoesNotContain("ann@example.org", line);
    }
}
