using BenchmarkDotNet.Attributes;
using Ledger.Journal;
using Ledger.Journal.Tree;
using Ledger.Journal.Verification;

namespace Ledger.Benchmarks;

/// <summary>The journal's hot paths: dot, appending to the journal tree, building and verifying proofs at 10^6 blocks.</summary>
[MemoryDiagnoser]
public class JournalBenchmarks
{
    private const int AppendsPerInvoke = 4096;
    private const int AppendRounds = 32;
    private const int JournalSize = 1_000_000;
    private const long ProvenBlock = 765_432;

    private readonly Hash32[] _leaves = new Hash32[AppendsPerInvoke];
    private readonly JournalNode[] _created = new JournalNode[JournalTreeAppender.MaxNodesPerAppend];
    private readonly JournalTreeAppender _appender = new();
    private InMemoryJournalNodeStore _store = new();
    private Hash32 _a;
    private Hash32 _b;
    private Hash32 _revisionHash;
    private Hash32 _blockHash;
    private Hash32 _digest;
    private Hash32[] _revisionProof = [];

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < _leaves.Length; i++)
        {
            _leaves[i] = QldbHash.Sha256(BitConverter.GetBytes(i));
        }

        _a = _leaves[0];
        _b = _leaves[1];

        // A journal of 10^6 blocks with 3 revisions each; prove the middle revision of one block at the last tip.
        _store = new InMemoryJournalNodeStore();
        var appender = new JournalTreeAppender();
        Hash32? previous = null;
        Hash32[] revisions = [];
        BlockHashes proven = null!;
        for (long block = 0; block < JournalSize; block++)
        {
            revisions = [QldbHash.Sha256(BitConverter.GetBytes(block)), QldbHash.Sha256(BitConverter.GetBytes(-block)), _leaves[block % AppendsPerInvoke]];
            var hashes = BlockHashBuilder.Build(block, previous, revisions, _leaves[(block + 1) % AppendsPerInvoke]);
            var count = appender.Append(hashes.BlockHash, _created);
            _store.AddRange(_created.AsSpan(0, count));
            previous = hashes.BlockHash;
            if (block == ProvenBlock)
            {
                proven = hashes;
                _revisionHash = revisions[1];
                var prefix = BlockHashBuilder.RevisionProofPrefix(revisions, 1, hashes.EntriesHashList, 0, hashes.PreviousBlockHash);
                _revisionProof = prefix;
            }
        }

        _blockHash = proven.BlockHash;
        _digest = appender.Digest();
        var journalPath = JournalProofBuilder.InclusionProofAsync(_store, ProvenBlock, JournalSize).AsTask().GetAwaiter().GetResult();
        _revisionProof = [.. _revisionProof, .. journalPath];
        if (!ProofVerifier.VerifyRevision(_revisionHash, ProvenBlock, JournalSize, _revisionProof, _digest, _blockHash).IsValid)
        {
            throw new InvalidOperationException("The benchmark proof does not verify.");
        }
    }

    [Benchmark]
    public Hash32 Dot() => QldbHash.Dot(_a, _b);

    /// <summary>
    /// Appends 2^17 block hashes to one ever-growing tree; the reported time is per append (amortized, including the
    /// merges of complete nodes that every append reports for storage).
    /// </summary>
    [Benchmark(OperationsPerInvoke = AppendRounds * AppendsPerInvoke)]
    public long AppendToJournalTree()
    {
        var appender = _appender;
        var created = _created.AsSpan();
        var nodes = 0L;
        for (var round = 0; round < AppendRounds; round++)
        {
            foreach (var leaf in _leaves)
            {
                nodes += appender.Append(leaf, created);
            }
        }

        return nodes;
    }

    [Benchmark]
    public bool VerifyRevisionProofAt1MBlocks() =>
        ProofVerifier.VerifyRevision(_revisionHash, ProvenBlock, JournalSize, _revisionProof, _digest, _blockHash).IsValid;

    [Benchmark]
    public ValueTask<Hash32[]> BuildBlockProofAt1MBlocks() => JournalProofBuilder.InclusionProofAsync(_store, ProvenBlock, JournalSize);

    [Benchmark]
    public ValueTask<Hash32> DigestAtPastTip() => JournalProofBuilder.DigestAsync(_store, JournalSize - 12_345);

    [Benchmark]
    public ValueTask<Hash32[]> BuildConsistencyProofAt1MBlocks() => JournalProofBuilder.ConsistencyProofAsync(_store, ProvenBlock, JournalSize);
}
