using Imprivata.Storage.Mfa;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Mfa.Otp;

/// <summary>The real Table stores on fresh tables in the shared Azurite.</summary>
public sealed class MfaStores
{
    public TableSet Tables { get; } = new(Azurite.NewTables());
    public TableSecretProtector Protector { get; }
    public TableEnrollmentStore Enrollments { get; }
    public TableHardwareTokenStore Tokens { get; }

    public MfaStores()
    {
        Protector = new TableSecretProtector(new SecretKeys(Tables));
        Enrollments = new TableEnrollmentStore(Tables, Protector);
        Tokens = new TableHardwareTokenStore(Tables, Protector);
    }
}
