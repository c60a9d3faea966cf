using System.Collections.Immutable;
using System.Text;

namespace Ledger.Ion.Tests;

/// <summary>
/// The amazon-ion/ion-tests text files (<c>good/</c>, <c>bad/</c>, <c>equivs</c>, <c>non-equivs</c>,
/// <c>equivTimeline</c>), one row per file named by its path under <c>iontestdata/</c>.
/// </summary>
public class IonTestsConformanceTests
{
    // UTF-16/32 documents without a BOM: Ion text is UTF-8 in practice (see testdata/ion/README.md).
    private static readonly HashSet<string> SkippedGood = ["good/utf16.ion", "good/utf32.ion"];

    public static TheoryData<string> GoodFiles() => Files("good", file => !SkippedGood.Contains(file));

    public static TheoryData<string> BadFiles() => Files("bad", _ => true);

    public static TheoryData<string> EquivsFiles() => Files("good/equivs", _ => true);

    public static TheoryData<string> NonEquivsFiles() => Files("good/non-equivs", _ => true);

    public static TheoryData<string> TimelineFiles() => Files("good/timestamp/equivTimeline", _ => true);

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void Good_file_reads(string file)
    {
        var values = Read(file);

        Assert.All(values, value => Assert.NotNull(value.ToString()));
    }

    [Theory]
    [InlineData("good/utf16.ion", "utf-16BE")]
    [InlineData("good/utf32.ion", "utf-32BE")]
    public void Good_utf16_and_utf32_files_read_after_explicit_decoding(string file, string encodingName)
    {
        var encoding = encodingName == "utf-16BE" ? Encoding.BigEndianUnicode : new UTF32Encoding(bigEndian: true, byteOrderMark: false);
        var text = encoding.GetString(File.ReadAllBytes(Path.Combine(TestPaths.IonTestData, file)));

        var values = IonText.ParseAll(text);

        Assert.NotEmpty(values);
        Assert.True(values.SequenceEqual(IonText.ParseAll(IonText.WriteAll(values))));
    }

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void Good_file_round_trips_through_the_text_writer(string file)
    {
        var values = Read(file);

        foreach (var pretty in new[] { false, true })
        {
            var text = IonText.WriteAll(values, pretty);
            var reread = IonText.ParseAll(text);
            Assert.Equal(values.Length, reread.Length);
            for (var i = 0; i < values.Length; i++)
            {
                Assert.True(values[i].Equals(reread[i]), $"value {i}: {values[i]} was re-read as {reread[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_file_fails_with_an_ion_exception(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.IonTestData, file));

        var error = Assert.Throws<IonException>(() => IonText.ParseAll(bytes));

        Assert.NotNull(error.Line);
        Assert.NotNull(error.Column);
    }

    [Theory]
    [MemberData(nameof(EquivsFiles))]
    public void Equivs_groups_are_equivalent(string file)
    {
        foreach (var group in Read(file))
        {
            var members = Members(group);
            for (var i = 0; i < members.Length; i++)
            {
                for (var j = 0; j < members.Length; j++)
                {
                    Assert.True(members[i].SequenceEqual(members[j]), $"{group}: element {i} should equal element {j}");
                    if (members[i].Length == 1)
                    {
                        Assert.Equal(members[i][0].GetHashCode(), members[j][0].GetHashCode());
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(NonEquivsFiles))]
    public void Non_equivs_groups_are_pairwise_different(string file)
    {
        foreach (var group in Read(file))
        {
            var members = Members(group);
            for (var i = 0; i < members.Length; i++)
            {
                for (var j = 0; j < members.Length; j++)
                {
                    Assert.True(i == j == members[i].SequenceEqual(members[j]), $"{group}: elements {i} and {j}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TimelineFiles))]
    public void Equiv_timeline_groups_denote_the_same_instant(string file)
    {
        foreach (var group in Read(file))
        {
            var timestamps = ((IonSequence)group).Select(value => ((IonTimestampValue)value).Value).ToArray();
            foreach (var left in timestamps)
            {
                Assert.All(timestamps, right => Assert.True(left.InstantEquals(right), $"{left} vs {right}"));
            }
        }
    }

    private static ImmutableArray<IonValue> Read(string file) =>
        IonText.ParseAll(File.ReadAllBytes(Path.Combine(TestPaths.IonTestData, file)));

    /// <summary>
    /// The members of an equivs/non-equivs group: each element on its own, or for <c>embedded_documents</c> each
    /// string parsed as a fresh document.
    /// </summary>
    private static ImmutableArray<IonValue>[] Members(IonValue group)
    {
        var sequence = Assert.IsAssignableFrom<IonSequence>(group);
        return group.HasAnnotation("embedded_documents")
            ? [.. sequence.Select(element => IonText.ParseAll(((IonString)element).Value))]
            : [.. sequence.Select(element => ImmutableArray.Create(element))];
    }

    private static TheoryData<string> Files(string folder, Func<string, bool> include)
    {
        var root = TestPaths.IonTestData;
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, folder), "*.ion", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (include(relative))
            {
                data.Add(relative);
            }
        }

        return data;
    }
}
