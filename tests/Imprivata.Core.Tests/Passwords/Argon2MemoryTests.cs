using Imprivata.Core.Passwords;

namespace Imprivata.Core.Tests.Passwords;

public sealed class Argon2MemoryTests
{
    [Fact]
    public void Return_PasswordDerivedBlocks_WipedBeforeTheBufferIsKept()
    {
        var memory = new Argon2Memory(words: 256, keep: 2);
        var buffer = memory.Rent(256);
        buffer.AsSpan().Fill(0xA5A5A5A5A5A5A5A5);

        memory.Return(buffer);

        var again = memory.Rent(256);
        Assert.Same(buffer, again);
        Assert.All(again, word => Assert.Equal(0UL, word));
    }

    [Fact]
    public void Return_MoreBuffersThanKept_KeepsOnlyThatMany()
    {
        var memory = new Argon2Memory(words: 256, keep: 2);
        var buffers = Enumerable.Range(0, 4).Select(_ => memory.Rent(256)).ToList();

        buffers.ForEach(memory.Return);

        Assert.Equal(2, memory.Kept);
    }

    [Fact]
    public void Return_OtherSize_WipedAndNotKept()
    {
        var memory = new Argon2Memory(words: 256, keep: 2);
        var buffer = memory.Rent(512);
        buffer.AsSpan().Fill(ulong.MaxValue);

        memory.Return(buffer);

        Assert.Equal(0, memory.Kept);
        Assert.All(buffer, word => Assert.Equal(0UL, word));
        Assert.Equal(512, memory.Rent(512).Length);
    }
}
