using Ledger.Ion;
using Ledger.Ion.Hash;
using Ledger.Journal;

namespace Ledger.Engine.Model;

/// <summary>Ion Hash (SHA-256) as a <see cref="Hash32"/>, the only way the engine hashes Ion values.</summary>
internal static class EngineHash
{
    public static Hash32 Of(IonValue value)
    {
        Span<byte> digest = stackalloc byte[Hash32.Length];
        IonHash.Compute(value, digest);
        return new Hash32(digest);
    }

    /// <summary>
    /// The per-statement hash of qldb-compat 2 (also the journal's statementDigest): IonHash of the statement as an
    /// Ion string, folded with IonHash of each parameter in order.
    /// </summary>
    public static Hash32 StatementDigest(string statement, IReadOnlyList<IonValue> parameters)
    {
        var digest = Of(IonString.Of(statement));
        foreach (var parameter in parameters)
        {
            digest = QldbHash.Dot(digest, Of(parameter));
        }

        return digest;
    }
}
