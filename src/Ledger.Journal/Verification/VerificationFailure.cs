namespace Ledger.Journal.Verification;

/// <summary>Why a verification failed: which hash did not match and where, or what was malformed.</summary>
public abstract record VerificationFailure
{
    /// <summary>A human-readable explanation naming the hash and the place.</summary>
    public abstract string Message { get; }

    /// <inheritdoc/>
    public sealed override string ToString() => Message;
}

/// <summary>A root (a digest, or a tree root rebuilt from a proof) differs from the one expected.</summary>
/// <param name="Root">Which root, e.g. "digest at tip 123".</param>
/// <param name="Expected">The root the caller trusts.</param>
/// <param name="Calculated">The root rebuilt from the proof.</param>
public sealed record RootMismatch(string Root, Hash32 Expected, Hash32 Calculated) : VerificationFailure
{
    /// <inheritdoc/>
    public override string Message => $"{Root}: expected {Expected}, calculated {Calculated}.";
}

/// <summary>A stored hash inside a block or revision differs from the value recomputed from its inputs.</summary>
/// <param name="Location">Where, e.g. "block 100 of strand X".</param>
/// <param name="Field">Which hash, e.g. "blockHash".</param>
/// <param name="Expected">The stored value.</param>
/// <param name="Calculated">The recomputed value.</param>
public sealed record HashMismatch(string Location, string Field, Hash32 Expected, Hash32 Calculated) : VerificationFailure
{
    /// <inheritdoc/>
    public override string Message => $"{Location}: {Field} is {Expected} but the recomputed value is {Calculated}.";
}

/// <summary>A hash that must appear in a list (e.g. transactionInfo in entriesHashList) is absent.</summary>
/// <param name="Location">Where, e.g. "block 100".</param>
/// <param name="Entry">Which hash is missing, e.g. "IonHash(transactionInfo)".</param>
/// <param name="Hash">The missing hash.</param>
/// <param name="List">The list searched.</param>
public sealed record EntryMissing(string Location, string Entry, Hash32 Hash, string List) : VerificationFailure
{
    /// <inheritdoc/>
    public override string Message => $"{Location}: {Entry} {Hash} is not in {List}.";
}

/// <summary>A proof or its parameters cannot be right whatever the hashes (wrong length, index out of range, ...).</summary>
/// <param name="Reason">What is wrong.</param>
public sealed record MalformedProof(string Reason) : VerificationFailure
{
    /// <inheritdoc/>
    public override string Message => Reason;
}

/// <summary>The outcome of a verification: valid, or the first failure found.</summary>
public readonly record struct VerificationResult(VerificationFailure? Failure)
{
    /// <summary>The successful outcome.</summary>
    public static VerificationResult Valid => default;

    /// <summary>True when nothing failed.</summary>
    public bool IsValid => Failure is null;

    /// <summary>Throws <see cref="JournalVerificationException"/> when the verification failed.</summary>
    public void ThrowIfInvalid()
    {
        if (Failure is not null)
        {
            throw new JournalVerificationException(Failure);
        }
    }

    /// <summary>A failed outcome.</summary>
    public static implicit operator VerificationResult(VerificationFailure failure) => new(failure);

    /// <summary>A failed outcome (named alternative to the implicit conversion).</summary>
    public static VerificationResult FromVerificationFailure(VerificationFailure failure) => new(failure);

    /// <inheritdoc/>
    public override string ToString() => Failure?.Message ?? "valid";
}

/// <summary>Thrown by <see cref="VerificationResult.ThrowIfInvalid"/>; carries the structured failure.</summary>
public sealed class JournalVerificationException : Exception
{
    /// <summary>Creates the exception for a failure.</summary>
    public JournalVerificationException(VerificationFailure failure)
        : base(failure?.Message)
    {
        Failure = failure ?? throw new ArgumentNullException(nameof(failure));
    }

    /// <summary>Creates the exception with a message only (for serializers and tooling).</summary>
    public JournalVerificationException(string message)
        : base(message)
    {
        Failure = new MalformedProof(message);
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public JournalVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failure = new MalformedProof(message);
    }

    /// <summary>Creates the exception with a default message.</summary>
    public JournalVerificationException()
        : this("Journal verification failed.")
    {
    }

    /// <summary>What failed.</summary>
    public VerificationFailure Failure { get; }
}
