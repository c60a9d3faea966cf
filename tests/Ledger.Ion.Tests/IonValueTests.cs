namespace Ledger.Ion.Tests;

public class IonValueTests
{
    [Fact]
    public void Typed_nulls_differ_by_type_and_from_empty_containers()
    {
        Assert.Equal(IonNull.Of(IonType.Int), IonNull.Of(IonType.Int));
        Assert.NotEqual<IonValue>(IonNull.Of(IonType.Int), IonNull.Null);
        Assert.NotEqual<IonValue>(IonNull.Of(IonType.Struct), IonStruct.Empty);
        Assert.True(IonNull.Of(IonType.List).IsNull);
        Assert.Equal(IonType.List, IonNull.Of(IonType.List).Type);
    }

    [Fact]
    public void Annotations_are_part_of_equivalence_in_order()
    {
        var one = IonValue.From(1);

        Assert.Equal(one.WithAnnotations("a", "b"), IonValue.From(1).WithAnnotations("a", "b"));
        Assert.NotEqual(one.WithAnnotations("a", "b"), one.WithAnnotations("b", "a"));
        Assert.NotEqual<IonValue>(one.WithAnnotations("a"), one);
        Assert.Equal<IonValue>(one, one.WithAnnotations("a").WithoutAnnotations());
    }

    [Fact]
    public void Floats_treat_all_nans_as_equal_and_negative_zero_as_distinct()
    {
        Assert.Equal(IonFloat.Of(double.NaN), IonFloat.Of(BitConverter.Int64BitsToDouble(0x7FF8000000000001)));
        Assert.NotEqual(IonFloat.Of(0.0), IonFloat.Of(-0.0));
    }

    [Fact]
    public void Struct_equivalence_ignores_order_and_pairs_repeated_names()
    {
        var a = IonStruct.Of(new IonField("a", IonValue.From(1)), new IonField("a", IonValue.From(2)), new IonField("b", IonValue.From(3)));
        var reordered = IonStruct.Of(new IonField("b", IonValue.From(3)), new IonField("a", IonValue.From(2)), new IonField("a", IonValue.From(1)));
        var collapsed = IonStruct.Of(new IonField("a", IonValue.From(1)), new IonField("a", IonValue.From(1)), new IonField("b", IonValue.From(3)));

        Assert.Equal<IonValue>(a, reordered);
        Assert.Equal(a.GetHashCode(), reordered.GetHashCode());
        Assert.NotEqual<IonValue>(a, collapsed);
    }

    [Fact]
    public void Struct_lookup_and_builders()
    {
        var s = IonStruct.CreateBuilder().Add("a", IonValue.From(1)).Add("a", IonValue.From(2)).Add("b", IonValue.From("x")).ToStruct();

        Assert.Equal(IonValue.From(1), s["a"]);
        Assert.Null(s["missing"]);
        Assert.Equal([IonValue.From(1), IonValue.From(2)], s.GetAll("a"));
        var updated = s.With("a", IonValue.From(9));
        Assert.Equal(2, updated.Count);
        Assert.Equal(IonValue.From(9), updated["a"]);
        Assert.Equal<IonValue>(IonStruct.Of(new IonField("b", IonValue.From("x"))), s.Without("a"));
    }

    [Fact]
    public void Lists_and_sexps_with_the_same_elements_are_not_equivalent()
    {
        Assert.False(IonList.Of(IonValue.From(1)).Equals(IonSexp.Of(IonValue.From(1))));
        Assert.True(IonList.Of(IonValue.From(1)).Equals(IonList.Empty.Add(IonValue.From(1))));
    }

    [Fact]
    public void Blob_and_clob_with_the_same_bytes_differ()
    {
        Assert.NotEqual<IonValue>(IonBlob.Of("ab"u8), IonClob.Of("ab"u8));
        Assert.Equal<IonValue>(IonBlob.Of("ab"u8), IonBlob.Of("ab"u8));
    }

    [Fact]
    public void Symbol_tokens_compare_by_text_only()
    {
        Assert.Equal(new SymbolToken("a", 10), SymbolToken.Of("a"));
        Assert.Equal(SymbolToken.Zero, new SymbolToken(null, 25));
        Assert.NotEqual(SymbolToken.Zero, SymbolToken.Of(""));
    }

    [Fact]
    public void Strings_reject_unpaired_surrogates() =>
        Assert.Throws<ArgumentException>(() => IonString.Of("a\uD800b"));

    [Fact]
    public void Int_keeps_a_long_fast_path_and_big_values()
    {
        var big = IonInt.Of(System.Numerics.BigInteger.Pow(2, 70));

        Assert.False(big.FitsInInt64);
        Assert.True(IonInt.Of(new System.Numerics.BigInteger(5)).FitsInInt64);
        Assert.Equal(IonInt.Of(5), IonInt.Of(new System.Numerics.BigInteger(5)));
        Assert.Throws<OverflowException>(() => big.ToInt64());
    }

    [Theory]
    [MemberData(nameof(WrittenValues))]
    public void ToString_writes_compact_ion_text(IonValue value, string expected) => Assert.Equal(expected, value.ToString());

    public static TheoryData<IonValue, string> WrittenValues() => new()
    {
        { IonNull.Of(IonType.Timestamp), "null.timestamp" },
        { IonValue.From(1.5), "1.5e0" },
        { IonValue.From(-0.0), "-0e0" },
        { IonValue.From(1e300), "1e300" },
        { IonValue.From(double.NegativeInfinity), "-inf" },
        { IonDecimalValue.Of(IonDecimal.Parse("-0.")), "-0." },
        { IonSymbol.Of("null"), "'null'" },
        { IonSymbol.Of("$12"), "'$12'" },
        { IonSymbol.Of("a b"), "'a b'" },
        { IonSymbol.Of(SymbolToken.Zero), "$0" },
        { IonValue.From("a\"\n"), "\"a\\\"\\n\"" },
        { IonBlob.Of(new byte[] { 1, 2, 3 }.AsSpan()), "{{AQID}}" },
        { IonClob.Of("a\"\u0001"u8), "{{\"a\\\"\\x01\"}}" },
        { IonStruct.Of(new IonField("a b", IonList.Of(IonValue.From(1), IonValue.From(true)))).WithAnnotations("x"), "x::{'a b':[1,true]}" },
        { IonSexp.Of(IonSymbol.Of("+"), IonValue.From(1)), "('+' 1)" },
    };
}

public class IonStructEquivalenceTests
{
    [Fact]
    public void Large_structs_with_repeated_names_pair_fields_one_to_one()
    {
        var fields = Enumerable.Range(0, 2000).Select(i => new IonField("same", IonValue.From(i % 7))).ToArray();
        var shuffled = fields.Reverse().ToArray();
        var changed = fields.ToArray();
        changed[5] = new IonField("same", IonValue.From(8));

        Assert.True(IonStruct.Of(fields).Equals(IonStruct.Of(shuffled)));
        Assert.False(IonStruct.Of(fields).Equals(IonStruct.Of(changed)));
        Assert.False(IonStruct.Of(fields).Equals(IonStruct.Of(fields.Take(1999).Append(new IonField("other", IonValue.From(1))))));
    }
}
