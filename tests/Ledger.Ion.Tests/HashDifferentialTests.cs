using System.Diagnostics;
using System.Text;
using Ledger.Ion.Binary;
using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

/// <summary>
/// Differential tests against the reference Ion Hash (ion-hash-js 2.1.0 over ion-js 5.2.1, installed in the
/// repository's node_modules by <c>npm ci</c>): random values are written as Ion binary, hashed by the reference
/// in one Node process per batch, and compared with our hashes of the same values.
/// </summary>
public class HashDifferentialTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20240601)]
    public async Task Random_values_hash_like_the_reference(int seed)
    {
        var generator = new HashRandomValues(seed);
        var values = Enumerable.Range(0, 150).Select(_ => generator.Next()).ToArray();

        var reference = await ReferenceHashesAsync(IonBinary.WriteAll(values));

        Assert.Equal(values.Length, reference.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var ours = Convert.ToHexStringLower(IonHash.Compute(values[i]));
            Assert.True(ours == reference[i], $"seed {seed}, value {i}: ours {ours}, reference {reference[i]} for {values[i]}");
        }
    }

    [Fact]
    public async Task Naughty_strings_hash_like_the_reference_in_every_position()
    {
        var lines = File.ReadLines(Path.Combine(BinaryTestData.SharedDirectory, "testdata", "ion", "ion-hash-test", "big_list_of_naughty_strings.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.StartsWith("ion::", StringComparison.Ordinal) ? line[5..] : line.StartsWith("invalid_ion::", StringComparison.Ordinal) ? line[13..] : line)
            .Where(line => !line.Contains('\uFFFD', StringComparison.Ordinal))
            .ToArray();
        var values = new List<IonValue>();
        foreach (var text in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            values.Add(IonString.Of(text));
            values.Add(IonSymbol.Of(text));
            values.Add(IonClob.Of(bytes.AsSpan()));
            values.Add(IonBlob.Of(bytes.AsSpan()));
            values.Add(IonInt.Of(1).WithAnnotations(SymbolToken.Of(text)));
            values.Add(IonStruct.Of(new IonField(text, IonString.Of(text))));
            values.Add(IonList.Of(IonString.Of(text), IonSymbol.Of(text)));
        }

        var reference = await ReferenceHashesAsync(IonBinary.WriteAll(values));

        Assert.Equal(values.Count, reference.Length);
        var ours = values.Select(v => Convert.ToHexStringLower(IonHash.Compute(v))).ToArray();
        Assert.Equal(reference, ours);
    }

    /// <summary>Runs tests/Ledger.Ion.Tests/reference/ion-hash-batch.js over <paramref name="ionBinary"/>.</summary>
    internal static async Task<string[]> ReferenceHashesAsync(byte[] ionBinary, params string[] arguments)
    {
        var root = BinaryTestData.RepositoryRoot;
        if (!Directory.Exists(Path.Combine(root, "node_modules", "ion-hash-js")) || !Directory.Exists(Path.Combine(root, "node_modules", "ion-js")))
        {
            Assert.Fail($"The reference Ion libraries are missing from {Path.Combine(root, "node_modules")}: run `npm ci` in {root}.");
        }

        var script = Path.Combine(root, "tests", "Ledger.Ion.Tests", "reference", "ion-hash-batch.js");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"Node.js is needed for the reference Ion hash (install Node 20+, then run `npm ci` in {root}): {e.Message}");
            throw;
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.BaseStream.WriteAsync(ionBinary, timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}: {await errors}");
            return lines;
        }
    }
}
