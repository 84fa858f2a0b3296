using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Imprivata.Core.Passwords;

/// <summary>
/// Argon2id version 0x13 (RFC 9106) over memory the caller supplies. Written here because the served bindings (NSec,
/// Geralt, Sodium.Core: all libsodium) map fresh memory for every hash and took 16-22 ms of CPU per m=7 MiB, t=5 hash
/// on the benchmark machine (2 ms of it in the kernel), against 9-10 ms for this AVX2 fill over reused memory; the hash
/// is most of a password login's cost. BLAKE2b comes from libsodium (NSec); only the memory fill is ours. Proven by
/// RFC 9106's test vector and by fuzzing against libsodium and Bouncy Castle (Argon2idDerivationTests).
/// </summary>
internal static class Argon2idDerivation
{
    public const int BlockWords = 128; // one 1 KiB block
    private const int MaxLanes = (1 << 24) - 1;
    private const int MaxMemoryKiB = (1 << 24) - 1;
    private const int MinTagBytes = 32; // NSec's smallest BLAKE2b output, which H' needs for short tags
    private static readonly Blake2b Blake2b512 = NSec.Cryptography.HashAlgorithm.Blake2b_512;

    /// <summary>False where the vector fill cannot run; callers then use libsodium's Argon2id, which gives the same bytes.</summary>
    public static bool IsSupported => Avx2.IsSupported && BitConverter.IsLittleEndian;

    /// <summary>Blocks of working memory Argon2 uses for a memory cost (RFC 9106 3.2: m' = 4p * floor(m / 4p)).</summary>
    public static int BlockCount(int memoryKiB, int lanes) => memoryKiB / (4 * lanes) * 4 * lanes;

    public static void Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData,
        int memoryKiB, int passes, int lanes, Span<byte> tag, Span<ulong> memory)
    {
        if (!IsSupported)
            throw new PlatformNotSupportedException("Argon2id memory fill needs AVX2 on a little-endian CPU.");
        // Upper bounds keep every block offset below 2^31 words (RFC 9106 allows p < 2^24; memory is capped at 16 GiB).
        if (lanes is < 1 or > MaxLanes || memoryKiB < 8 * lanes || memoryKiB > MaxMemoryKiB || passes < 1 || tag.Length < MinTagBytes || salt.Length < 8)
            throw new ArgumentException("Argon2id parameters out of range.");
        var blocks = BlockCount(memoryKiB, lanes);
        if (memory.Length < blocks * BlockWords)
            throw new ArgumentException("Argon2id memory smaller than the memory cost.", nameof(memory));
        var geometry = new Geometry(lanes, blocks / lanes, blocks, passes);
        var mem = memory[..(blocks * BlockWords)];

        Span<byte> seed = stackalloc byte[72]; // H0, then two little-endian words for the first blocks of each lane
        HashFirst(password, salt, secret, associatedData, memoryKiB, passes, lanes, tag.Length, seed[..64]);
        for (var lane = 0; lane < lanes; lane++)
            for (var column = 0; column < 2; column++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(seed[64..], (uint)column);
                BinaryPrimitives.WriteUInt32LittleEndian(seed[68..], (uint)lane);
                LongHash(seed, MemoryMarshal.AsBytes(mem.Slice((lane * geometry.LaneLength + column) * BlockWords, BlockWords)));
            }
        CryptographicOperations.ZeroMemory(seed);

        for (var pass = 0; pass < passes; pass++)
            for (var slice = 0; slice < 4; slice++)
                for (var lane = 0; lane < lanes; lane++) // lanes of one slice never read each other's segment, so order does not matter
                    FillSegment(mem, geometry, pass, slice, lane);

        Span<ulong> final = stackalloc ulong[BlockWords];
        mem.Slice((geometry.LaneLength - 1) * BlockWords, BlockWords).CopyTo(final);
        for (var lane = 1; lane < lanes; lane++)
        {
            var last = mem.Slice(((lane + 1) * geometry.LaneLength - 1) * BlockWords, BlockWords);
            for (var k = 0; k < BlockWords; k++)
                final[k] ^= last[k];
        }
        LongHash(MemoryMarshal.AsBytes(final), tag);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(final));
    }

    private readonly record struct Geometry(int Lanes, int LaneLength, int Blocks, int Passes)
    {
        public int SegmentLength => LaneLength / 4;
    }

    private static void HashFirst(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData,
        int memoryKiB, int passes, int lanes, int tagLength, Span<byte> h0)
    {
        var input = Pinned(40 + password.Length + salt.Length + secret.Length + associatedData.Length);
        var at = 0;
        void Word(int value) { BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(at), value); at += 4; }
        void Field(ReadOnlySpan<byte> value) { Word(value.Length); value.CopyTo(input.AsSpan(at)); at += value.Length; }
        Word(lanes); Word(tagLength); Word(memoryKiB); Word(passes); Word(0x13); Word(2); // 2 = Argon2id
        Field(password); Field(salt); Field(secret); Field(associatedData);
        Blake2b512.Hash(input, h0);
        CryptographicOperations.ZeroMemory(input);
    }

    /// <summary>A heap buffer the GC never moves, so wiping it leaves no copy of the password behind.</summary>
    internal static byte[] Pinned(int length) => GC.AllocateArray<byte>(length, pinned: true);

    /// <summary>H' of RFC 9106 3.3: BLAKE2b stretched to any output length. Inputs are at most a block (1 KiB): on the stack.</summary>
    private static void LongHash(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<byte> prefixed = stackalloc byte[4 + input.Length];
        BinaryPrimitives.WriteInt32LittleEndian(prefixed, output.Length);
        input.CopyTo(prefixed[4..]);
        if (output.Length <= 64)
        {
            new Blake2b(output.Length).Hash(prefixed, output);
            CryptographicOperations.ZeroMemory(prefixed);
            return;
        }
        Span<byte> v = stackalloc byte[64];
        Span<byte> next = stackalloc byte[64];
        Blake2b512.Hash(prefixed, v);
        CryptographicOperations.ZeroMemory(prefixed);
        v[..32].CopyTo(output);
        var at = 32;
        while (output.Length - at > 64)
        {
            Blake2b512.Hash(v, next);
            next.CopyTo(v);
            v[..32].CopyTo(output[at..]);
            at += 32;
        }
        new Blake2b(output.Length - at).Hash(v, output[at..]);
        CryptographicOperations.ZeroMemory(v);
        CryptographicOperations.ZeroMemory(next);
    }

    // Optimised from the first call: tier-0 code of the vector fill runs several times slower, and a freshly started
    // instance's first logins would pay for it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillSegment(Span<ulong> memory, Geometry g, int pass, int slice, int lane)
    {
        // Argon2id: the first half of the first pass picks reference blocks independently of the password (side channels),
        // the rest from the previous block's first word (tradeoff attacks).
        var independent = pass == 0 && slice < 2;
        Span<ulong> addresses = stackalloc ulong[BlockWords];
        Span<ulong> counter = stackalloc ulong[BlockWords];
        Span<ulong> scratch = stackalloc ulong[2 * BlockWords]; // Compress's working copies, allocated once per segment
        if (independent)
            (counter[0], counter[1], counter[2], counter[3], counter[4], counter[5]) =
                ((ulong)pass, (ulong)lane, (ulong)slice, (ulong)g.Blocks, (ulong)g.Passes, 2UL);
        var start = pass == 0 && slice == 0 ? 2 : 0;
        if (independent && start == 2)
            NextAddresses(addresses, counter, scratch);

        var current = lane * g.LaneLength + slice * g.SegmentLength + start;
        var previous = current % g.LaneLength == 0 ? current + g.LaneLength - 1 : current - 1;
        for (var index = start; index < g.SegmentLength; index++, current++, previous++)
        {
            if (current % g.LaneLength == 1)
                previous = current - 1; // back from the lane's last block, which the lane's first block follows
            ulong pseudoRandom;
            if (independent)
            {
                if (index % BlockWords == 0)
                    NextAddresses(addresses, counter, scratch);
                pseudoRandom = addresses[index % BlockWords];
            }
            else
                pseudoRandom = memory[previous * BlockWords];
            var refLane = pass == 0 && slice == 0 ? lane : (int)((pseudoRandom >> 32) % (ulong)g.Lanes);
            var refIndex = ReferenceIndex(g, pass, slice, index, (uint)pseudoRandom, refLane == lane);
            Compress(ref Block(memory, previous), ref Block(memory, refLane * g.LaneLength + refIndex), ref Block(memory, current), xorInto: pass > 0, scratch);
        }
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(addresses));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(counter));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(scratch));
    }

    // Bounds-checked, so that a mistake in the index arithmetic throws instead of reading or writing outside the memory.
    private static ref ulong Block(Span<ulong> memory, int block) => ref MemoryMarshal.GetReference(memory.Slice(block * BlockWords, BlockWords));

    /// <summary>RFC 9106 3.4.1.2: maps J1 onto the blocks this one may reference, favouring recent ones.</summary>
    private static int ReferenceIndex(Geometry g, int pass, int slice, int index, uint j1, bool sameLane)
    {
        long areaSize = pass == 0
            ? slice == 0 || sameLane ? slice * g.SegmentLength + index - 1 : slice * g.SegmentLength - (index == 0 ? 1 : 0)
            : sameLane ? g.LaneLength - g.SegmentLength + index - 1 : g.LaneLength - g.SegmentLength - (index == 0 ? 1 : 0);
        var x = (ulong)j1 * j1 >> 32;
        var relative = (ulong)areaSize - 1 - ((ulong)areaSize * x >> 32);
        var startPosition = pass == 0 || slice == 3 ? 0UL : (ulong)((slice + 1) * g.SegmentLength);
        return (int)((startPosition + relative) % (ulong)g.LaneLength);
    }

    private static void NextAddresses(Span<ulong> addresses, Span<ulong> counter, Span<ulong> scratch)
    {
        Span<ulong> zero = stackalloc ulong[BlockWords];
        Span<ulong> once = stackalloc ulong[BlockWords];
        counter[6]++;
        Compress(ref MemoryMarshal.GetReference(zero), ref MemoryMarshal.GetReference(counter), ref MemoryMarshal.GetReference(once), xorInto: false, scratch);
        Compress(ref MemoryMarshal.GetReference(zero), ref MemoryMarshal.GetReference(once), ref MemoryMarshal.GetReference(addresses), xorInto: false, scratch);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(once));
    }

    /// <summary>
    /// The compression G of RFC 9106 3.5: R = X xor Y, the BLAKE2b-based permutation P over R's eight rows and then
    /// its eight columns, result P(R) xor R, xored into the destination's old value on passes after the first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress(ref ulong x, ref ulong y, ref ulong destination, bool xorInto, Span<ulong> scratch)
    {
        ref var r = ref MemoryMarshal.GetReference(scratch);
        ref var keep = ref Unsafe.Add(ref r, BlockWords);
        for (nuint k = 0; k < BlockWords; k += 4)
        {
            var v = Vector256.LoadUnsafe(ref x, k) ^ Vector256.LoadUnsafe(ref y, k);
            v.StoreUnsafe(ref r, k);
            if (xorInto)
                v ^= Vector256.LoadUnsafe(ref destination, k);
            v.StoreUnsafe(ref keep, k);
        }
        for (nuint row = 0; row < 128; row += 16)
        {
            var (a, b, c, d) = (Vector256.LoadUnsafe(ref r, row), Vector256.LoadUnsafe(ref r, row + 4),
                Vector256.LoadUnsafe(ref r, row + 8), Vector256.LoadUnsafe(ref r, row + 12));
            Permute(ref a, ref b, ref c, ref d);
            a.StoreUnsafe(ref r, row); b.StoreUnsafe(ref r, row + 4); c.StoreUnsafe(ref r, row + 8); d.StoreUnsafe(ref r, row + 12);
        }
        for (nuint column = 0; column < 16; column += 2) // column i is the word pairs 2i, 2i+16, ..., 2i+112
        {
            var a = Pair(ref r, column, column + 16);
            var b = Pair(ref r, column + 32, column + 48);
            var c = Pair(ref r, column + 64, column + 80);
            var d = Pair(ref r, column + 96, column + 112);
            Permute(ref a, ref b, ref c, ref d);
            Unpair(a, ref r, column, column + 16);
            Unpair(b, ref r, column + 32, column + 48);
            Unpair(c, ref r, column + 64, column + 80);
            Unpair(d, ref r, column + 96, column + 112);
        }
        for (nuint k = 0; k < BlockWords; k += 4)
            (Vector256.LoadUnsafe(ref r, k) ^ Vector256.LoadUnsafe(ref keep, k)).StoreUnsafe(ref destination, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Pair(ref ulong r, nuint low, nuint high) =>
        Vector256.Create(Vector128.LoadUnsafe(ref r, low), Vector128.LoadUnsafe(ref r, high));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Unpair(Vector256<ulong> v, ref ulong r, nuint low, nuint high)
    {
        v.GetLower().StoreUnsafe(ref r, low);
        v.GetUpper().StoreUnsafe(ref r, high);
    }

    /// <summary>P on 16 words held as a 4x4 matrix a..d: G on the columns, then on the diagonals (rows rotated into place).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Permute(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d)
    {
        Mix(ref a, ref b, ref c, ref d);
        b = Avx2.Permute4x64(b, 0b00_11_10_01);
        c = Avx2.Permute4x64(c, 0b01_00_11_10);
        d = Avx2.Permute4x64(d, 0b10_01_00_11);
        Mix(ref a, ref b, ref c, ref d);
        b = Avx2.Permute4x64(b, 0b10_01_00_11);
        c = Avx2.Permute4x64(c, 0b01_00_11_10);
        d = Avx2.Permute4x64(d, 0b00_11_10_01);
    }

    /// <summary>GB of RFC 9106 3.6: BLAKE2b's G with each addition a + b replaced by a + b + 2 * lo32(a) * lo32(b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d)
    {
        a = a + b + (Avx2.Multiply(a.AsUInt32(), b.AsUInt32()) << 1);
        d = RotateRight(d ^ a, 32);
        c = c + d + (Avx2.Multiply(c.AsUInt32(), d.AsUInt32()) << 1);
        b = RotateRight(b ^ c, 24);
        a = a + b + (Avx2.Multiply(a.AsUInt32(), b.AsUInt32()) << 1);
        d = RotateRight(d ^ a, 16);
        c = c + d + (Avx2.Multiply(c.AsUInt32(), d.AsUInt32()) << 1);
        b = RotateRight(b ^ c, 63);
    }

    // Byte shuffles rotate as fast as AVX-512's vprorq here (measured) and need only AVX2.
    private static readonly Vector256<byte> Rotate24 = Vector256.Create((byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
    private static readonly Vector256<byte> Rotate16 = Vector256.Create((byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateRight(Vector256<ulong> v, [ConstantExpected] byte bits) => bits switch
    {
        32 => Avx2.Shuffle(v.AsUInt32(), 0b10_11_00_01).AsUInt64(),
        24 => Avx2.Shuffle(v.AsByte(), Rotate24).AsUInt64(),
        16 => Avx2.Shuffle(v.AsByte(), Rotate16).AsUInt64(),
        _ => (v >>> 63) ^ (v + v), // 63: rotate left by one
    };
}
