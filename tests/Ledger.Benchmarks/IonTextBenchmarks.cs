using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Ledger.Ion;

namespace Ledger.Benchmarks;

/// <summary>
/// Ion text reading and writing throughput on QLDB-like documents (structs of strings, ints, decimals,
/// timestamps and nested lists). Throughput in MB/s = <see cref="InputBytes"/> / mean time.
/// </summary>
[MemoryDiagnoser]
public class IonTextBenchmarks
{
    private byte[] _utf8 = [];
    private IonValue[] _values = [];

    /// <summary>The size of the parsed input in bytes (about 1 MiB).</summary>
    public int InputBytes => _utf8.Length;

    [GlobalSetup]
    public void Setup()
    {
        _utf8 = Encoding.UTF8.GetBytes(CreateDocuments(targetBytes: 1 << 20));
        _values = [.. IonText.ParseAll(_utf8)];
        Console.WriteLine($"// Ion text input: {_utf8.Length} bytes, {_values.Length} documents");
    }

    [Benchmark]
    public int ReadText() => IonText.ParseAll(_utf8).Length;

    [Benchmark]
    public int WriteTextCompact() => IonText.WriteAll(_values).Length;

    internal static string CreateDocuments(int targetBytes)
    {
        var random = new Random(42);
        var builder = new StringBuilder(targetBytes + 1024);
        var invariant = CultureInfo.InvariantCulture;
        for (var i = 0; builder.Length < targetBytes; i++)
        {
            builder.Append("{VIN:\"1N4AL11D75C").Append(i.ToString("D6", invariant)).Append("\",")
                .Append("MfgDate:2019-").Append((1 + (i % 12)).ToString("D2", invariant)).Append("-15T10:")
                .Append((i % 60).ToString("D2", invariant)).Append(":00.000Z,")
                .Append("Type:\"Sedan\",Mfgr:\"Audi\",Model:\"A5\",Color:\"Silver\",")
                .Append("ProductionYear:").Append(2000 + (i % 20)).Append(',')
                .Append("PendingPenaltyTicketAmount:").Append(random.Next(0, 100000).ToString(invariant)).Append(".50,")
                .Append("Owners:{PrimaryOwner:{PersonId:\"").Append(random.Next().ToString("X8", invariant)).Append("\"},")
                .Append("SecondaryOwners:[{PersonId:\"A\"},{PersonId:\"B\"}]},")
                .Append("Tags:[sedan, 'four door', \"red\\n\"],Score:").Append((random.NextDouble() * 100).ToString("R", invariant)).Append("e0}\n");
        }

        return builder.ToString();
    }
}
