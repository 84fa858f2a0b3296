using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Access;

public sealed record AccessDecision(bool Allowed, string Reason);

/// <summary>May this user sign in to this application: enabled, licensed for SSO, and the app profile deployed to them.</summary>
public sealed class AppAccess(IAppProfileStore profiles, AppDeploymentRule deployment)
{
    public async Task<AccessDecision> CheckAsync(DirectoryUser user, string clientId, CancellationToken ct)
    {
        if (!user.Enabled)
            return new(false, AuditReasons.UserDisabled);
        if (!user.LicensedForSso)
            return new(false, AuditReasons.NotLicensed);
        var profile = await profiles.FindAsync(clientId, ct);
        if (profile is null || !await deployment.IsDeployedToAsync(profile.Deployment, user, ct))
            return new(false, AuditReasons.NotDeployed);
        return new(true, AuditReasons.Ok);
    }
}
