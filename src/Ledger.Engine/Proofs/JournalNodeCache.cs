using Ledger.Journal;
using Ledger.Journal.Tree;

namespace Ledger.Engine.Proofs;

/// <summary>
/// A bounded, least-recently-used cache of complete journal-tree nodes, shared by the ledgers of one engine. A
/// complete node covers a full power-of-two run of blocks and never changes once stored, so a cached hash is as good
/// as a fresh read for as long as the ledger it belongs to exists; the scope (ledger name and strand) keeps a
/// deleted ledger's nodes from ever answering for a new ledger of the same name. Safe for concurrent use.
/// </summary>
internal sealed class JournalNodeCache
{
    /// <summary>
    /// About 256k nodes (≈ 30 MB): every node of a journal of ~130,000 blocks, or the upper levels of a far larger
    /// one, which every proof shares.
    /// </summary>
    public const int DefaultCapacity = 1 << 18;

    private readonly Dictionary<Key, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _gate = new();

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> nodes.</summary>
    public JournalNodeCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    /// <summary>The most nodes held at once.</summary>
    public int Capacity { get; }

    /// <summary>The nodes held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The cached hash of <paramref name="node"/> of the ledger <paramref name="scope"/>, if held.</summary>
    public bool TryGet(string scope, NodeId node, out Hash32 hash)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(new Key(scope, node), out var entry))
            {
                _recency.Remove(entry);
                _recency.AddFirst(entry);
                hash = entry.Value.Hash;
                return true;
            }
        }

        hash = default;
        return false;
    }

    /// <summary>Remembers the stored hash of a complete node, evicting the least recently used one when full.</summary>
    public void Add(string scope, NodeId node, Hash32 hash)
    {
        var key = new Key(scope, node);
        lock (_gate)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            if (_entries.Count == Capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, hash));
        }
    }

    private readonly record struct Key(string Scope, NodeId Node);

    private readonly record struct Entry(Key Key, Hash32 Hash);
}
