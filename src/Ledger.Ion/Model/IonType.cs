namespace Ledger.Ion;

/// <summary>The thirteen Ion 1.0 types. Do not reorder: the values are persisted and used as table indexes.</summary>
public enum IonType : byte
{
    /// <summary>The <c>null</c> type (<c>null</c> / <c>null.null</c>).</summary>
    Null,
    /// <summary>Booleans.</summary>
    Bool,
    /// <summary>Arbitrary-precision integers.</summary>
    Int,
    /// <summary>IEEE-754 binary64 floats.</summary>
    Float,
    /// <summary>Arbitrary-precision decimals with exact precision.</summary>
    Decimal,
    /// <summary>Timestamps with precision and offset.</summary>
    Timestamp,
    /// <summary>Symbols (interned text tokens).</summary>
    Symbol,
    /// <summary>Unicode strings.</summary>
    String,
    /// <summary>Character large objects (bytes meant as ASCII text).</summary>
    Clob,
    /// <summary>Binary large objects.</summary>
    Blob,
    /// <summary>Ordered lists.</summary>
    List,
    /// <summary>S-expressions.</summary>
    Sexp,
    /// <summary>Structs: unordered fields with possibly repeated names.</summary>
    Struct,
}
