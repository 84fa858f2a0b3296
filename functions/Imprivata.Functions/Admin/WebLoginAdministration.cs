using Imprivata.Core.Audit;
using Imprivata.Core.Settings;

namespace Imprivata.Functions.Admin;

/// <summary>Gear menu > Web app login configuration: validated, saved and audited.</summary>
public sealed class WebLoginAdministration(ISettingsStore settings, AdminAudit audit)
{
    public Task<WebLoginSettings> GetAsync(CancellationToken ct) => settings.GetWebLoginAsync(ct);

    /// <param name="timeoutMinutes">Automatic logout in minutes; null turns it off.</param>
    public async Task<AdminResult<WebLoginSettings>> SaveAsync(AdminPrincipal actor, string? colour, int? timeoutMinutes, CancellationToken ct)
    {
        var error = WebLoginRules.CheckColour(colour) ?? WebLoginRules.CheckTimeout(timeoutMinutes);
        if (error is not null)
        {
            await audit.RecordAsync(actor, AuditKinds.AdminSettingsWeblogin, "failure", error, ct).ConfigureAwait(false);
            return AdminResult<WebLoginSettings>.Fail(error);
        }
        var current = await settings.GetWebLoginAsync(ct).ConfigureAwait(false);
        var updated = current with
        {
            BackgroundColor = colour!.ToLowerInvariant(),
            SessionTimeout = timeoutMinutes is { } m ? TimeSpan.FromMinutes(m) : null,
        };
        await settings.SaveWebLoginAsync(updated, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminSettingsWeblogin, ct, detail: $"color={updated.BackgroundColor};timeout={timeoutMinutes?.ToString() ?? "off"}").ConfigureAwait(false);
        return AdminResult<WebLoginSettings>.Ok(updated);
    }

    public async Task<AdminResult<WebLoginSettings>> SetLogoAsync(AdminPrincipal actor, byte[] logo, CancellationToken ct)
    {
        if (WebLoginRules.CheckLogo(logo, out var header) is { } error)
        {
            await audit.RecordAsync(actor, AuditKinds.AdminSettingsLogo, "failure", error, ct).ConfigureAwait(false);
            return AdminResult<WebLoginSettings>.Fail(error);
        }
        var updated = await settings.GetWebLoginAsync(ct).ConfigureAwait(false) with { Logo = logo, LogoContentType = header!.ContentType };
        await settings.SaveWebLoginAsync(updated, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminSettingsLogo, ct, detail: $"{header.ContentType};{header.Width}x{header.Height};{logo.Length}").ConfigureAwait(false);
        return AdminResult<WebLoginSettings>.Ok(updated);
    }

    public async Task<WebLoginSettings> RemoveLogoAsync(AdminPrincipal actor, CancellationToken ct)
    {
        var updated = await settings.GetWebLoginAsync(ct).ConfigureAwait(false) with { Logo = null, LogoContentType = null };
        await settings.SaveWebLoginAsync(updated, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminSettingsLogoRemove, ct).ConfigureAwait(false);
        return updated;
    }
}
