using Imprivata.RadiusEdge.Ldap;

namespace Imprivata.RadiusEdge.Tests.Ldap;

public sealed class LdapFilterTests
{
    [Fact]
    public void Escape_FilterSpecialCharacters_AreWrittenAsHexPairs()
    {
        Assert.Equal(@"\2a\29\28uid=\5cx\00", LdapFilter.Escape("*)(uid=\\x\0"));
    }

    [Fact]
    public void Format_Template_ReplacesOnlyThePlaceholderWithTheEscapedValue()
    {
        Assert.Equal(@"(&(objectClass=user)(sAMAccountName=a\2a))", LdapFilter.Format("(&(objectClass=user)(sAMAccountName={0}))", "a*"));
    }
}
