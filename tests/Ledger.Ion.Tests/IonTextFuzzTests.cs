namespace Ledger.Ion.Tests;

/// <summary>
/// Mutation fuzzing over the ion-tests good/ text files: every mutated document either reads (and then
/// round-trips through the writer) or fails with <see cref="IonException"/>; nothing else may escape.
/// </summary>
public class IonTextFuzzTests
{
    private static readonly byte[] Interesting = "{}[]()'\"\\:,/*-+.0123456789eEdDT_$xXbB \n\r\t\u007f"u8.ToArray();

    [Fact]
    public void Mutated_good_files_read_or_fail_with_an_ion_exception()
    {
        var random = new Random(20261122);
        var files = Directory.EnumerateFiles(Path.Combine(TestPaths.IonTestData, "good"), "*.ion", SearchOption.AllDirectories)
            .Where(path => !path.EndsWith("utf16.ion", StringComparison.Ordinal) && !path.EndsWith("utf32.ion", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .Where(bytes => bytes.Length is > 0 and < 20_000)
            .ToArray();

        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var document = (byte[])files[random.Next(files.Length)].Clone();
            var mutations = 1 + random.Next(3);
            for (var m = 0; m < mutations; m++)
            {
                var position = random.Next(document.Length);
                document[position] = random.Next(4) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];
            }

            var truncated = random.Next(5) == 0 ? document.AsSpan(0, random.Next(document.Length)).ToArray() : document;
            try
            {
                var values = IonText.ParseAll(truncated);
                Assert.True(values.SequenceEqual(IonText.ParseAll(IonText.WriteAll(values))), $"iteration {iteration} did not round-trip");
            }
            catch (IonException)
            {
                // Rejecting malformed input with the one documented exception type is the expected outcome.
            }
        }
    }
}
