using Imprivata.Storage.UserDirectory;

namespace Imprivata.Storage.Tests.UserDirectory;

public sealed class TableKeyTests
{
    [Theory]
    [InlineData("a/b\\c#d?e%f\u0001g")]
    [InlineData("plain")]
    public void Encode_ForbiddenCharacters_AreEscapedAndReversible(string value)
    {
        var key = TableKey.Encode(value);
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(value, TableKey.Decode(key));
    }
}
