using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Ledger.Ion;

/// <summary>One struct field: a name token and a value.</summary>
/// <param name="Name">The field name.</param>
/// <param name="Value">The field value.</param>
public readonly record struct IonField(SymbolToken Name, IonValue Value);

/// <summary>
/// An Ion struct: fields in insertion order, repeated names kept. Equivalence ignores order and pairs repeated
/// names one to one. A null struct is <see cref="IonNull"/> with type <see cref="IonType.Struct"/>.
/// </summary>
public sealed class IonStruct : IonValue, IReadOnlyList<IonField>
{
    private IonStruct(ImmutableArray<IonField> fields, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Fields = fields.IsDefault ? [] : fields;
    }

    /// <summary>The empty struct <c>{}</c>.</summary>
    public static IonStruct Empty { get; } = new([], []);

    /// <inheritdoc/>
    public override IonType Type => IonType.Struct;

    /// <summary>The fields in insertion order.</summary>
    public ImmutableArray<IonField> Fields { get; }

    /// <summary>The number of fields (repeated names counted).</summary>
    public int Count => Fields.Length;

    /// <summary>The field at <paramref name="index"/> in insertion order.</summary>
    public IonField this[int index] => Fields[index];

    /// <summary>The value of the first field named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public IonValue? this[string name] => TryGetField(name, out var value) ? value : null;

    /// <summary>Creates a struct from fields.</summary>
    public static IonStruct Of(params ReadOnlySpan<IonField> fields) => new([.. fields], []);

    /// <summary>Creates a struct from fields.</summary>
    public static IonStruct Of(IEnumerable<IonField> fields) => new([.. fields], []);

    /// <summary>Creates a struct over an immutable array (no copy).</summary>
    public static IonStruct Of(ImmutableArray<IonField> fields) => new(fields, []);

    /// <summary>Starts building a struct.</summary>
    public static Builder CreateBuilder() => new();

    /// <summary>Finds the first field named <paramref name="name"/> (ordinal comparison).</summary>
    public bool TryGetField(string name, [NotNullWhen(true)] out IonValue? value)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Name.Text, name, StringComparison.Ordinal))
            {
                value = field.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>True when at least one field is named <paramref name="name"/>.</summary>
    public bool ContainsField(string name) => TryGetField(name, out _);

    /// <summary>All values of fields named <paramref name="name"/>, in order.</summary>
    public IEnumerable<IonValue> GetAll(string name)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Name.Text, name, StringComparison.Ordinal))
            {
                yield return field.Value;
            }
        }
    }

    /// <summary>
    /// Returns a struct where <paramref name="name"/> has exactly one field with <paramref name="value"/>: it
    /// replaces the first field of that name (later repeats are dropped), or is appended.
    /// </summary>
    public IonStruct With(SymbolToken name, IonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = ImmutableArray.CreateBuilder<IonField>(Fields.Length + 1);
        var replaced = false;
        foreach (var field in Fields)
        {
            if (!field.Name.Equals(name))
            {
                builder.Add(field);
            }
            else if (!replaced)
            {
                builder.Add(new IonField(name, value));
                replaced = true;
            }
        }

        if (!replaced)
        {
            builder.Add(new IonField(name, value));
        }

        return new IonStruct(builder.ToImmutable(), Annotations);
    }

    /// <summary>Returns a struct with a field appended (existing fields of that name are kept).</summary>
    public IonStruct Add(SymbolToken name, IonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new IonStruct(Fields.Add(new IonField(name, value)), Annotations);
    }

    /// <summary>Returns a struct without any field named <paramref name="name"/> (this instance when there is none).</summary>
    public IonStruct Without(SymbolToken name)
    {
        if (!Fields.Any(field => field.Name.Equals(name)))
        {
            return this;
        }

        return new IonStruct(Fields.RemoveAll(field => field.Name.Equals(name)), Annotations);
    }

    /// <summary>Returns an enumerator over the fields.</summary>
    public ImmutableArray<IonField>.Enumerator GetEnumerator() => Fields.GetEnumerator();

    IEnumerator<IonField> IEnumerable<IonField>.GetEnumerator() => ((IEnumerable<IonField>)Fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Fields).GetEnumerator();

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonStruct(Fields, annotations);

    // Multiset equivalence: every field must pair with a distinct equivalent field of the other struct.
    // Ion equivalence is an equivalence relation, so greedy pairing is exact.
    private protected override bool ContentEquals(IonValue other)
    {
        var those = ((IonStruct)other).Fields;
        if (those.Length != Fields.Length)
        {
            return false;
        }

        if (Fields.Length == 0)
        {
            return true;
        }

        if (Fields.Length > 16)
        {
            return ContentEqualsByBuckets(those);
        }

        var used = Fields.Length <= 256 ? stackalloc bool[Fields.Length] : new bool[Fields.Length];
        foreach (var field in Fields)
        {
            var matched = false;
            for (var j = 0; j < those.Length; j++)
            {
                if (!used[j] && field.Name.Equals(those[j].Name) && field.Value.Equals(those[j].Value))
                {
                    used[j] = true;
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                return false;
            }
        }

        return true;
    }

    // Large structs: bucket the other struct's fields by (name, value hash) so the pairing stays linear even when
    // every field has the same name.
    private bool ContentEqualsByBuckets(ImmutableArray<IonField> those)
    {
        var buckets = new Dictionary<(SymbolToken Name, int ValueHash), List<IonValue>>(those.Length);
        foreach (var field in those)
        {
            var key = (field.Name, field.Value.GetHashCode());
            if (!buckets.TryGetValue(key, out var bucket))
            {
                buckets[key] = bucket = [];
            }

            bucket.Add(field.Value);
        }

        foreach (var field in Fields)
        {
            if (!buckets.TryGetValue((field.Name, field.Value.GetHashCode()), out var bucket))
            {
                return false;
            }

            var index = bucket.FindIndex(field.Value.Equals);
            if (index < 0)
            {
                return false;
            }

            bucket[index] = bucket[^1];
            bucket.RemoveAt(bucket.Count - 1);
        }

        return true;
    }

    // Order-independent: a commutative sum of per-field hashes.
    private protected override int ContentHashCode()
    {
        var sum = 0;
        foreach (var field in Fields)
        {
            sum = unchecked(sum + HashCode.Combine(field.Name, field.Value));
        }

        return sum;
    }

    /// <summary>Accumulates fields for a new <see cref="IonStruct"/>.</summary>
    public sealed class Builder
    {
        private readonly ImmutableArray<IonField>.Builder _fields = ImmutableArray.CreateBuilder<IonField>();

        internal Builder()
        {
        }

        /// <summary>The number of fields added so far.</summary>
        public int Count => _fields.Count;

        /// <summary>Appends a field.</summary>
        public Builder Add(SymbolToken name, IonValue value)
        {
            ArgumentNullException.ThrowIfNull(value);
            _fields.Add(new IonField(name, value));
            return this;
        }

        /// <summary>Builds the struct.</summary>
        public IonStruct ToStruct() => new(_fields.DrainToImmutable(), []);
    }
}
