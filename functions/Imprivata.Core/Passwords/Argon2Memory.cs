using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Imprivata.Core.Passwords;

/// <summary>
/// Argon2 working memory kept between hashes, so a login does not pay for mapping and zeroing 7 MiB of fresh pages
/// (about 2 ms of kernel time per hash with libsodium). At most <c>keep</c> buffers of the usual size are kept; other
/// sizes (hashes made with an older setting) are allocated per hash. Every buffer is wiped when handed back: its blocks
/// are derived from a password.
/// </summary>
internal sealed class Argon2Memory(int words, int keep)
{
    private readonly ConcurrentQueue<ulong[]> _free = new();

    public int Kept => _free.Count;

    public ulong[] Rent(int wordsNeeded) =>
        wordsNeeded == words && _free.TryDequeue(out var buffer) ? buffer : new ulong[wordsNeeded];

    public void Return(ulong[] buffer)
    {
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(buffer.AsSpan()));
        if (buffer.Length == words && _free.Count < keep)
            _free.Enqueue(buffer);
    }
}
