using BenchmarkDotNet.Attributes;
using Ledger.Ion;
using Ledger.Ion.Binary;
using Ledger.Ion.Hash;

namespace Ledger.Benchmarks;

/// <summary>
/// Ion Hash of a typical 1 KB, 20-field QLDB document (from the value tree and straight from binary), and Ion
/// binary reading and writing throughput. Targets: at least 150,000 hashed documents per second on one core with
/// at most 1 KB allocated per document; binary reading at least 300 MB/s.
/// </summary>
[MemoryDiagnoser]
public class IonHashBenchmarks
{
    private readonly byte[] _digest = new byte[IonHash.Sha256Length];
    private IonValue _document = null!;
    private byte[] _documentBinary = null!;
    private byte[] _stream = null!;
    private IonValue[] _streamValues = null!;

    /// <summary>A vehicle-registration style document: 20 fields, strings, ints, decimals, timestamps, a nested struct and a list.</summary>
    public static IonValue TypicalDocument(int seed) => IonText.Parse($$"""
        {
          VIN: "1N4AL11D75C10{{seed % 10000:D4}}",
          MakeModelYear: { Make: "Nissan", Model: "Altima", Year: 2005, Trim: "2.5 S" },
          LicensePlateNumber: "LEWISR{{seed % 1000:D3}}",
          State: "WA",
          City: "Seattle",
          PostalCode: "98109",
          Color: "Maroon",
          Mileage: {{12000 + seed}},
          PendingPenaltyTicketAmount: 90.25,
          ValidFromDate: 2017-08-21T,
          ValidToDate: 2020-05-11T,
          RegisteredAt: 2019-09-16T19:37:05.344Z,
          Owners: {
            PrimaryOwner: { PersonId: "294jJ3YUoH1IEEm8GSabOs", FirstName: "Raul", LastName: "Lewis" },
            SecondaryOwners: [ { PersonId: "1nmeDdLo3AhGswBtyM1eYh" }, { PersonId: "IN7MvYtUjkp1GMZu0F6CG9" } ]
          },
          InsuranceProvider: "Example Mutual Insurance Company",
          PolicyNumber: "PN-00{{seed % 100000:D5}}-A",
          PremiumUsd: 1245.50,
          Active: true,
          Tags: [ "sedan", "gasoline", "4-door", "fleet" ],
          Notes: "Registered at the downtown office; documents verified by clerk 42. No outstanding recalls on record for this vehicle.",
          LastInspection: { Date: 2019-06-01T10:15:00-07:00, Station: "Station 7", Passed: true, Score: 97 },
        }
        """);

    [GlobalSetup]
    public void Setup()
    {
        _document = TypicalDocument(1);
        _documentBinary = IonBinary.Write(_document);
        _streamValues = [.. Enumerable.Range(0, 1000).Select(TypicalDocument)];
        _stream = IonBinary.WriteAll(_streamValues);
    }

    /// <summary>Bytes of the stream read by <see cref="ReadBinaryStream"/> (about 1 MB of 1,000 documents).</summary>
    public int StreamBytes => _stream.Length;

    [Benchmark(Description = "IonHash.Compute(IonValue) 1 KB doc")]
    public int HashDocument() => IonHash.Compute(_document, _digest);

    [Benchmark(Description = "IonHash.ComputeSingle(binary) 1 KB doc")]
    public int HashDocumentFromBinary() => IonHash.ComputeSingle(_documentBinary, _digest);

    [Benchmark(Description = "IonBinary.ReadAll ~1 MB (1000 docs)")]
    public int ReadBinaryStream() => IonBinary.ReadAll(_stream).Count;

    [Benchmark(Description = "IonBinaryReader traverse+decode ~1 MB")]
    public long TraverseBinaryStream()
    {
        var reader = new IonBinaryReader(_stream);
        return Traverse(ref reader);
    }

    [Benchmark(Description = "IonBinary.WriteAll ~1 MB (1000 docs)")]
    public int WriteBinaryStream() => IonBinary.WriteAll(_streamValues).Length;

    private static long Traverse(ref IonBinaryReader reader)
    {
        long checksum = 0;
        while (reader.MoveNext())
        {
            if (reader.IsNull)
            {
                continue;
            }

            switch (reader.Type)
            {
                case IonType.List or IonType.Sexp or IonType.Struct:
                    reader.StepIn();
                    checksum += Traverse(ref reader);
                    reader.StepOut();
                    break;
                case IonType.Int:
                    reader.TryGetIntMagnitude(out var magnitude, out _);
                    checksum += (long)magnitude;
                    break;
                case IonType.Decimal:
                    reader.TryGetDecimalParts(out var coefficient, out _, out _);
                    checksum += (long)coefficient;
                    break;
                case IonType.Timestamp:
                    checksum += reader.GetTimestamp().Year;
                    break;
                case IonType.String:
                    checksum += reader.GetStringUtf8().Length;
                    break;
                case IonType.Symbol:
                    checksum += reader.GetSymbolSid();
                    break;
                case IonType.Bool:
                    checksum += reader.GetBool() ? 1 : 0;
                    break;
                default:
                    checksum += reader.ValueBytes.Length;
                    break;
            }
        }

        return checksum;
    }
}
