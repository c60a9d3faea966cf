using System.Text.Json.Nodes;
using Ledger.Ion;
using Ledger.Journal.Model;
using Ledger.Journal.Verification;

namespace Ledger.Journal.Tests;

/// <summary>
/// The Ion-level vectors of spec 11.3, 11.4 and 11.6: the real AWS block, revision, proofs and digest parsed from
/// their Ion text and verified end to end, revision and transactionInfo hashes, and commit digests.
/// </summary>
public sealed class IonVectorTests
{
    private const string BlockVector = "block/aws-cli-block-100.json";

    [Fact]
    public void Real_block_parses_round_trips_and_verifies()
    {
        var vector = Vectors.Load(BlockVector);
        var text = (string)vector["blockIonText"]!;
        var block = JournalBlock.Parse(text);

        Assert.Equal(new BlockAddress("KmA3ZZca7vAIiJAK9S5Iwl", 100), block.BlockAddress);
        Assert.True(block.Verify().IsValid, block.Verify().ToString());
        Assert.Equal(text, block.ToIonText());

        var revision = Assert.Single(block.Revisions);
        Assert.Equal(vector.Base64("metadataHash"), JournalIonHash.Of(revision.Metadata!));
        Assert.Equal(vector.Base64("dataHash"), JournalIonHash.Of(revision.Data!));
        Assert.Equal(vector.Base64("transactionInfoHash"), JournalIonHash.Of(block.TransactionInfo));
        var statement = (IonStruct)((IonList)block.TransactionInfo["statements"]!)[0];
        Assert.Equal(vector.Base64List("statementDigests")[0], CommitDigest.StatementDigest(((IonString)statement["statement"]!).Value));
    }

    [Fact]
    public void Real_block_and_revision_proofs_verify_against_the_real_digest()
    {
        var vector = Vectors.Load(BlockVector);
        var block = JournalBlock.Parse((string)vector["blockIonText"]!);
        var digest = new LedgerDigest(vector.Base64("digest"), BlockAddress.Parse((string)vector["digestTipAddressIonText"]!));
        var blockProof = JournalProof.Parse((string)vector["blockProofIonText"]!);
        var revisionProof = JournalProof.Parse((string)vector["revisionProofIonText"]!);

        Assert.True(JournalVerifier.VerifyBlock(block, blockProof, digest).IsValid);
        var index = block.IndexOfDocument((string)vector["documentId"]!);
        Assert.Equal(0, index);
        Assert.True(JournalVerifier.VerifyRevision(block.Revisions[index], revisionProof, digest, block).IsValid);
        Assert.True(JournalVerifier.VerifyRevision(block.Revisions[index], revisionProof, digest).IsValid);

        // We rebuild the in-block part of AWS's revision proof, and write proofs and addresses exactly as AWS does.
        Assert.Equal(revisionProof[..3], block.RevisionProofPrefix(index));
        Assert.Equal((string)vector["blockProofIonText"]!, JournalProof.ToIonText(blockProof));
        Assert.Equal((string)vector["revisionProofIonText"]!, JournalProof.ToIonText(revisionProof));
        Assert.Equal((string)vector["digestTipAddressIonText"]!, digest.Tip.ToIonText());
    }

    public static TheoryData<string> BlockTampering() =>
    [
        "data changed", "metadata changed", "revision hash changed", "statement changed", "entry changed",
        "blockHash changed", "previousBlockHash changed", "other strand", "proof element changed", "digest changed",
    ];

    [Theory]
    [MemberData(nameof(BlockTampering))]
    public void Tampered_real_block_fails_naming_the_hash(string tampering)
    {
        var vector = Vectors.Load(BlockVector);
        var text = (string)vector["blockIonText"]!;
        var digest = new LedgerDigest(vector.Base64("digest"), BlockAddress.Parse((string)vector["digestTipAddressIonText"]!));
        var proof = JournalProof.Parse((string)vector["blockProofIonText"]!);
        string Replace(string from, string to)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            return text.Replace(from, to, StringComparison.Ordinal);
        }

        (text, var check) = tampering switch
        {
            "data changed" => (Replace("City:\"Everett\"", "City:\"Seattle\""), Mismatch("revision hash")),
            "metadata changed" => (Replace("version:3", "version:4"), Mismatch("revision hash")),
            "revision hash changed" => (Replace("hash:{{mHVex", "hash:{{mHVey"), Mismatch("revision hash")),
            "statement changed" => (Replace("VALUE {", "VALUE  {"), (Action<VerificationFailure>)(f => Assert.Equal("IonHash(transactionInfo)", Assert.IsType<EntryMissing>(f).Entry))),
            "entry changed" => (Replace("{{eRSwnmAM7", "{{eRSwnmAM8"), Mismatch("entriesHash")),
            "blockHash changed" => (Replace("blockHash:{{NoCh", "blockHash:{{NoCi"), Mismatch("blockHash")),
            "previousBlockHash changed" => (Replace("previousBlockHash:{{7kew", "previousBlockHash:{{7kex"), Mismatch("blockHash")),
            "other strand" => (text.Replace("KmA3ZZca7vAIiJAK9S5Iwl", "KmA3ZZca7vAIiJAK9S5Iwm", StringComparison.Ordinal), f => Assert.IsType<MalformedProof>(f)),
            "proof element changed" => (text, Root(() => proof[4] = Vectors.FlipBit(proof[4], 1))),
            "digest changed" => (text, Root(() => digest = digest with { Digest = Vectors.FlipBit(digest.Digest, 1) })),
            _ => throw new ArgumentException(tampering),
        };

        var result = JournalVerifier.VerifyBlock(JournalBlock.Parse(text), proof, digest);
        Assert.False(result.IsValid);
        check(result.Failure!);

        Action<VerificationFailure> Root(Action tamper)
        {
            tamper();
            return f => Assert.Equal(digest.Digest, Assert.IsType<RootMismatch>(f).Expected);
        }
    }

    private static Action<VerificationFailure> Mismatch(string field) => f =>
    {
        var mismatch = Assert.IsType<HashMismatch>(f);
        Assert.Equal(field, mismatch.Field);
        Assert.StartsWith("block 100", mismatch.Location, StringComparison.Ordinal);
    };

    public static TheoryData<string> RevisionCases() => [.. Vectors.Files("revision")];

    [Theory]
    [MemberData(nameof(RevisionCases))]
    public void Real_revision_hashes(string file)
    {
        var vector = Vectors.Load(file);
        var text = (string)vector["revisionIonText"]!;
        var revision = JournalRevision.Parse(text);
        Assert.Equal(vector.Base64("metadataHash"), JournalIonHash.Of(revision.Metadata!));
        Assert.Equal(vector.Base64("dataHash"), JournalIonHash.Of(revision.Data!));
        Assert.Equal(revision.Hash, revision.ComputeHash());
        Assert.True(revision.VerifyHash().IsValid);
        Assert.Equal(text, revision.ToIonText());

        // Redaction keeps the hash verifiable through dataHash, and survives the Ion round trip.
        var redacted = revision.Redact();
        Assert.Null(redacted.Data);
        Assert.Equal(vector.Base64("dataHash"), redacted.DataHash);
        Assert.True(redacted.VerifyHash().IsValid);
        var reparsed = JournalRevision.Parse(redacted.ToIonText());
        Assert.Equal(revision.Hash, reparsed.ComputeHash());

        var tampered = JournalRevision.Parse(text.Replace("version:", "version:1", StringComparison.Ordinal));
        Assert.Equal("revision hash", Assert.IsType<HashMismatch>(tampered.VerifyHash().Failure).Field);
    }

    [Fact]
    public void Real_transaction_info_is_rebuilt_by_the_builder()
    {
        var vector = Vectors.Load("transactioninfo/stream-block-summary.json");
        var builder = new TransactionInfoBuilder();
        foreach (var statement in vector["statements"]!.AsArray().Select(s => s!.AsObject()))
        {
            var text = (string)statement["statement"]!;
            Assert.Equal(statement.Base64("statementDigest"), CommitDigest.StatementDigest(text));
            builder.AddStatement(text, IonTimestamp.Parse((string)statement["startTime"]!), statement.Base64("statementDigest"));
        }

        foreach (var document in vector["documents"]!.AsArray().Select(d => d!.AsObject()))
        {
            foreach (var index in document["statements"]!.AsArray())
            {
                builder.AddDocument((string)document["documentId"]!, (string)document["tableName"]!, (string)document["tableId"]!, (int)index!);
            }
        }

        Assert.Equal(vector.Base64("transactionInfoHash"), JournalIonHash.Of(builder.ToIon()));
    }

    public static TheoryData<string> CommitCases() => [.. Vectors.Files("commit")];

    [Theory]
    [MemberData(nameof(CommitCases))]
    public void Commit_digest(string file)
    {
        var vector = Vectors.Load(file);
        var digest = new CommitDigest((string)vector["transactionId"]!);
        if (vector.OptionalBase64("seed") is { } seed)
        {
            Assert.Equal(seed, digest.Value);
        }

        foreach (var statement in vector["statements"]!.AsArray().Select(s => s!.AsObject()))
        {
            var parameters = statement["parameters"]!.AsArray().Select(p => IonText.Parse((string)p!)).ToArray();
            Assert.Equal(statement.Base64List("parameterHashes"), parameters.Select(JournalIonHash.Of));
            Assert.Equal(statement.Base64("statementHash"), digest.AddStatement((string)statement["statement"]!, parameters));
        }

        if (vector.OptionalBase64("commitDigest") is { } expected)
        {
            Assert.Equal(expected, digest.Value);
        }
    }

    [Fact]
    public void Commit_digest_depends_on_statement_order_and_parameters()
    {
        var vector = Vectors.Load("commit/b-select-insert.json");
        var statements = vector["statements"]!.AsArray().Select(s => s!.AsObject()).ToArray();
        var reversed = new CommitDigest((string)vector["transactionId"]!);
        foreach (var statement in statements.Reverse())
        {
            reversed.AddStatement((string)statement["statement"]!, statement["parameters"]!.AsArray().Select(p => IonText.Parse((string)p!)));
        }

        Assert.NotEqual(vector.Base64("commitDigest"), reversed.Value);
        Assert.NotEqual(CommitDigest.StatementDigest("INSERT INTO Person ?"), CommitDigest.StatementDigest("INSERT INTO Person ?", [IonText.Parse("1")]));
    }

    internal static JsonObject LoadBlockVector() => Vectors.Load(BlockVector);
}
