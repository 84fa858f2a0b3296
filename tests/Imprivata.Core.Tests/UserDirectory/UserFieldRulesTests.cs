using Imprivata.Core.UserDirectory;

namespace Imprivata.Core.Tests.UserDirectory;

public sealed class UserFieldRulesTests
{
    [Theory]
    [InlineData("O'Brien")]
    [InlineData("jean-luc")]
    [InlineData("j.smith")]
    [InlineData("anna+lab@example.org")]
    [InlineData("under_score")]
    [InlineData("José")]
    [InlineData("Łukasz")]
    [InlineData("Ζωή")]
    [InlineData("山田")]
    [InlineData("नमस्ते")] // Devanagari vowel signs are combining marks that stay separate in NFC
    [InlineData("𠀋tanaka")] // a letter outside the basic plane (a surrogate pair)
    public void IsUsername_NamesRealDirectoriesHave_Accepted(string username) => Assert.True(UserFieldRules.IsUsername(username));

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("tab\tname")]
    [InlineData("nul\0name")]
    [InlineData("bell\u0007")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("right\u202Eleft")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("100%")]
    [InlineData("<script>")]
    [InlineData("quote\"d")]
    [InlineData("a&b")]
    [InlineData("O’Brien")] // the typographic apostrophe looks like ' but would be another name
    [InlineData("\u0301accent")] // a combining mark with no letter to sit on
    [InlineData("'.-")] // punctuation only
    public void IsUsername_WhatBreaksKeysOrReading_Refused(string username) => Assert.False(UserFieldRules.IsUsername(username));

    [Fact]
    public void IsUsername_Over64Characters_Refused()
    {
        Assert.True(UserFieldRules.IsUsername(new string('a', UserFieldRules.MaxUsernameLength)));
        Assert.False(UserFieldRules.IsUsername(new string('a', UserFieldRules.MaxUsernameLength + 1)));
    }

    [Fact]
    public void Check_UsernameWithApostrophe_NoError() =>
        Assert.Null(UserFieldRules.Check(new UserFields { Username = "O'Brien" }));
}
