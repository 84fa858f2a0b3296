using Imprivata.Core.Mfa;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Secrets;

namespace Imprivata.Functions.Mfa;

/// <summary>Enrollments and their sealed secrets; each method (OTP, push, codes, WebAuthn) registers its own services beside this.</summary>
public static class MfaSetup
{
    public static void AddMfa(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISecretProtector, TableSecretProtector>();
        builder.Services.AddSingleton<IEnrollmentStore, TableEnrollmentStore>();
    }
}
