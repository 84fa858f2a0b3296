using Imprivata.Core.Sessions;
using Imprivata.Functions.Audit;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Admin;

/// <summary>The administrator behind the current request, with the request facts the audit log needs.</summary>
public sealed record AdminPrincipal(DirectoryUser User, string SessionKey, AdminSession Session, string? Ip, string RequestId)
{
    public AdminRole Role => User.AdminRole;
    public bool IsSuperadmin => Role == AdminRole.Superadmin;
    /// <summary>Where this administrator's action came from, for audits written by other features (back-channel logout).</summary>
    public AuditOrigin Origin => new(Ip, RequestId, User.Username);

    /// <summary>
    /// Reason code when a helpdesk administrator acts on an administrator's account. Only a superadmin resets, removes or
    /// stands in for the second factor of an administrator (helpdesk or superadmin): otherwise a lower role could sign a
    /// superadmin out, strip their second factor, or issue a code that passes for it, and one helpdesk account could do the
    /// same to another.
    /// </summary>
    public const string AdministratorAccount = "administrator_account_needs_superadmin";

    /// <summary>Whether this administrator may act on <paramref name="target"/>'s second factors and codes.</summary>
    public bool MayManage(DirectoryUser target) => IsSuperadmin || target.AdminRole == AdminRole.None;

    private static readonly object Key = new();

    public static AdminPrincipal? Of(HttpContext context) => context.Items.TryGetValue(Key, out var value) ? value as AdminPrincipal : null;

    public static AdminPrincipal Required(HttpContext context) =>
        Of(context) ?? throw new InvalidOperationException("Admin endpoint reached without the admin filter.");

    internal void Attach(HttpContext context) => context.Items[Key] = this;
}
