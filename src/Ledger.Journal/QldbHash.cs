using System.Security.Cryptography;

namespace Ledger.Journal;

/// <summary>
/// The narrow hasher of the journal: QLDB's pairwise combiner <c>dot</c> and the Merkle root built from it
/// (spec sections 1.3 and 4.2). Everything else in the journal is expressed with these two functions.
/// </summary>
public static class QldbHash
{
    // One reusable SHA-256 context per thread: the one-shot API creates and frees a native digest context on every
    // call, which costs more than hashing the 64 bytes of a dot. Only used inside synchronous calls.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>SHA-256 of arbitrary bytes.</summary>
    public static Hash32 Sha256(ReadOnlySpan<byte> data)
    {
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> digest = stackalloc byte[Hash32.Length];
        sha256.AppendData(data);
        sha256.GetHashAndReset(digest);
        return new Hash32(digest);
    }

    /// <summary>
    /// <c>dot(a, b)</c>: SHA-256 of the two hashes concatenated smaller first in QLDB order
    /// (<see cref="Hash32.CompareQldbOrder"/>). Commutative, which is why QLDB proofs carry no left/right flags.
    /// </summary>
    public static Hash32 Dot(in Hash32 a, in Hash32 b)
    {
        Span<byte> pair = stackalloc byte[Hash32.Length * 2];
        if (a.CompareQldbOrder(b) < 0)
        {
            a.CopyTo(pair);
            b.CopyTo(pair[Hash32.Length..]);
        }
        else
        {
            b.CopyTo(pair);
            a.CopyTo(pair[Hash32.Length..]);
        }

        return Sha256(pair);
    }

    /// <summary>
    /// QLDB's Merkle root: pair neighbours level by level with <see cref="Dot"/>, promoting an odd last node
    /// unchanged. Requires a non-empty list (an empty list has no root in QLDB; callers omit the entry instead).
    /// </summary>
    public static Hash32 MerkleRoot(ReadOnlySpan<Hash32> hashes)
    {
        if (hashes.IsEmpty)
        {
            throw new ArgumentException("MerkleRoot of an empty list is undefined.", nameof(hashes));
        }

        if (hashes.Length == 1)
        {
            return hashes[0];
        }

        var level = hashes.ToArray();
        var count = level.Length;
        while (count > 1)
        {
            var next = 0;
            for (var i = 0; i < count; i += 2)
            {
                level[next++] = i + 1 < count ? Dot(level[i], level[i + 1]) : level[i];
            }

            count = next;
        }

        return level[0];
    }

    /// <summary>
    /// The siblings of <paramref name="index"/> in <see cref="MerkleRoot"/> of <paramref name="hashes"/>, bottom-up:
    /// folding the hash at <paramref name="index"/> with them via <see cref="Dot"/> yields the root.
    /// Used for the in-block parts of revision proofs (revision tree and entries list).
    /// </summary>
    public static Hash32[] MerklePath(ReadOnlySpan<Hash32> hashes, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, hashes.Length);
        var path = new List<Hash32>();
        var level = hashes.ToArray();
        var count = level.Length;
        while (count > 1)
        {
            var sibling = (index & 1) == 1 ? index - 1 : index + 1;
            if (sibling < count)
            {
                path.Add(level[sibling]);
            }

            var next = 0;
            for (var i = 0; i < count; i += 2)
            {
                level[next++] = i + 1 < count ? Dot(level[i], level[i + 1]) : level[i];
            }

            count = next;
            index >>= 1;
        }

        return [.. path];
    }

    /// <summary>Folds <paramref name="start"/> through <paramref name="proof"/> with <see cref="Dot"/>, as every QLDB verifier does.</summary>
    public static Hash32 Fold(in Hash32 start, ReadOnlySpan<Hash32> proof)
    {
        var candidate = start;
        foreach (ref readonly var sibling in proof)
        {
            candidate = Dot(candidate, sibling);
        }

        return candidate;
    }
}
