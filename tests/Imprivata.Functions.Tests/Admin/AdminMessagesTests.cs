using System.Reflection;
using Imprivata.Core.Mfa.HardwareTokens;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Admin.Policies;
using Imprivata.Functions.Mfa.Push;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Every reason an admin service can give has its own sentence: no refusal says only "The change could not be made".</summary>
public sealed class AdminMessagesTests
{
    public static TheoryData<string> AdminCodes()
    {
        var data = new SortedSet<string>(StringComparer.Ordinal); // some codes are shared ("not_found", "contended")
        foreach (var type in new[] { typeof(DirectoryErrors), typeof(PolicyErrors), typeof(TokenErrors) })
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
                data.Add((string)field.GetValue(null)!);
        }
        // The temporary-code reasons an administrator meets (the rest are the sign-in's).
        foreach (var code in new[] { TemporaryCodeErrors.CannotIssueForSelf, TemporaryCodeErrors.ValidityInvalid, TemporaryCodeErrors.NoActiveCode,
                     TemporaryCodeErrors.Contended, TemporaryCodeErrors.UserNotFound, TemporaryCodeErrors.IssuerMayNotStandIn })
            data.Add(code);
        foreach (var code in new[] { AdminPrincipal.AdministratorAccount, FraudAlerts.NotBlocked, "backchannel_logout_uri_invalid", "name_invalid",
                     "redirect_uri_invalid", "redirect_uri_not_https", "redirect_uri_fragment", "redirect_uri_required", "too_many_redirect_uris",
                     "logo_type_invalid", "logo_dimensions_too_large", "logo_too_large", "color_invalid", "timeout_out_of_range", "user_not_found", "member_missing" })
            data.Add(code);
        return [.. data];
    }

    [Theory]
    [MemberData(nameof(AdminCodes))]
    public void Describe_EveryAdminReason_HasItsOwnSentence(string code)
    {
        Assert.True(AdminMessages.Knows(code), code);
        Assert.NotEqual(AdminMessages.Fallback, AdminMessages.Describe(code));
    }

    [Fact]
    public void Describe_HelpdeskRefusedOnAnAdministrator_SaysWhy() =>
        Assert.StartsWith("Only a superadmin can change an administrator's", AdminMessages.Describe(AdminPrincipal.AdministratorAccount));

    [Fact]
    public void Describe_WithFieldAndLine_NamesBoth() =>
        Assert.Equal("Redirect URIs, line 3: " + AdminMessages.Describe("redirect_uri_not_https"), AdminMessages.Describe("redirect_uri_not_https", "redirectUris", 3));

    [Fact]
    public void Describe_UnknownCode_GenericSentence_NeverTheCode() =>
        Assert.Equal(AdminMessages.Fallback, AdminMessages.Describe("<script>"));

    [Fact]
    public void FieldLabel_UnknownName_PrintableAndShort()
    {
        Assert.Equal("Display name", AdminMessages.FieldLabel("displayName"));
        Assert.Equal("x\uFFFDy", AdminMessages.FieldLabel("x\0y"));
        Assert.Equal(64, AdminMessages.FieldLabel(new string('n', 500)).Length);
    }
}
