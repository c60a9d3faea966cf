using Ledger.Ion;

namespace Ledger.Cli.Tests;

public sealed class EndToEndTests : IAsyncLifetime
{
    private LocalHandler _handler = null!;

    public async Task InitializeAsync() => _handler = await LocalHandler.StartAsync();

    public async Task DisposeAsync() => await _handler.DisposeAsync();

    [Fact]
    public async Task Shell_runs_piped_statements_and_prints_the_results_as_ion()
    {
        var ledger = await CreateLedgerAsync();

        var run = await Cli.RunAsync(["shell", "--endpoint", _handler.Endpoint, "--ledger", ledger],
            "CREATE TABLE T\nINSERT INTO T {\n  'a': 1\n}\nSELECT * FROM T;\n");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var values = IonText.ParseAll(run.Stdout);
        // CREATE TABLE and INSERT return the affected document id, SELECT the document.
        Assert.Equal(3, values.Length);
        Assert.IsType<IonString>(((IonStruct)values[1])["documentId"]);
        var document = Assert.IsType<IonStruct>(values[2]);
        Assert.Equal(IonText.Parse("{a: 1}"), document);
        Assert.Contains("-- 1 document(s)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_in_json_format_prints_json()
    {
        var ledger = await CreateLedgerAsync();

        var run = await Cli.RunAsync(["shell", "--endpoint", _handler.Endpoint, "--ledger", ledger, "--format", "json"],
            "CREATE TABLE T; INSERT INTO T {'a': 1}; SELECT a FROM T");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.EndsWith("{\n  \"a\": 1\n}", run.Stdout.ReplaceLineEndings("\n").TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transaction_statements_commit_together()
    {
        var ledger = await CreateLedgerAsync();

        var run = await Cli.RunAsync(["shell", "--endpoint", _handler.Endpoint, "--ledger", ledger],
            "CREATE TABLE T\nstart transaction\nINSERT INTO T {'a': 1}\nINSERT INTO T {'a': 2}\ncommit\nSELECT VALUE a FROM T\n");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var values = IonText.ParseAll(run.Stdout);
        Assert.Equal([IonInt.Of(1), IonInt.Of(2)], values[^2..].OrderBy(v => ((IonInt)v).ToString()).ToArray());
    }

    [Fact]
    public async Task A_failing_piped_statement_exits_one_with_a_one_line_error_and_stops()
    {
        var ledger = await CreateLedgerAsync();

        var run = await Cli.RunAsync(["shell", "--endpoint", _handler.Endpoint, "--ledger", ledger],
            "CREATE TABLE T\nSELEKT * FROM T\nINSERT INTO T {'a': 1}\n");

        Assert.Equal(1, run.ExitCode);
        var errors = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var error = Assert.Single(errors);
        Assert.Matches("^[A-Za-z]+Exception: .+", error);
        // The statement after the failure never ran: only CREATE TABLE printed a result.
        Assert.Single(IonText.ParseAll(run.Stdout));
    }

    [Fact]
    public async Task A_missing_ledger_exits_one_with_the_control_plane_error_type()
    {
        var run = await Cli.RunAsync(["digest", "--endpoint", _handler.Endpoint, "--ledger", "no-such-ledger"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("ResourceNotFoundException: ", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Digest_prints_the_digest_and_its_tip_as_ion()
    {
        var ledger = await CreateLedgerAsync();
        await InsertAsync(ledger);

        var run = await Cli.RunAsync(["digest", "--endpoint", _handler.Endpoint, "--ledger", ledger]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var digest = Assert.IsType<IonStruct>(IonText.Parse(run.Stdout));
        Assert.Equal(32, Assert.IsType<IonBlob>(digest["digest"]).Bytes.Length);
        Assert.IsType<IonStruct>(digest["digestTipAddress"]);
    }

    [Fact]
    public async Task Wrong_secret_exits_three()
    {
        var run = await Cli.RunAsync(["digest", "--endpoint", _handler.Endpoint, "--ledger", "nope", "--secret-access-key", "wrong"]);

        Assert.Equal(3, run.ExitCode);
        Assert.DoesNotContain("wrong", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_revision_proof_verifies_offline_and_fails_once_tampered()
    {
        var ledger = await CreateLedgerAsync();
        var (address, documentId) = await InsertAsync(ledger);
        var bundle = Path.Combine(Path.GetTempPath(), $"rev-{Guid.NewGuid():N}.ion");
        try
        {
            var save = await Cli.RunAsync(["proof", "revision", "--endpoint", _handler.Endpoint, "--ledger", ledger,
                "--block-address", address, "--document-id", documentId, "--out", bundle]);
            Assert.True(save.ExitCode == 0, save.Stderr);

            var verify = await Cli.RunAsync(["proof", "verify", bundle]);
            Assert.True(verify.ExitCode == 0, verify.Stderr);

            var text = await File.ReadAllTextAsync(bundle);
            Assert.Contains("a: 1", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(bundle, text.Replace("a: 1", "a: 2", StringComparison.Ordinal));
            var changedData = await Cli.RunAsync(["proof", "verify", bundle]);
            Assert.Equal(1, changedData.ExitCode);
            Assert.StartsWith("Verification failed: ", changedData.Stderr, StringComparison.Ordinal);
            Assert.Single(changedData.Stderr.TrimEnd().Split('\n'));

            await File.WriteAllTextAsync(bundle, FlipFirstProofHash(text));
            var changedProof = await Cli.RunAsync(["proof", "verify", bundle]);
            Assert.Equal(1, changedProof.ExitCode);
            Assert.StartsWith("Verification failed: ", changedProof.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Fact]
    public async Task A_saved_block_proof_verifies_offline()
    {
        var ledger = await CreateLedgerAsync();
        var (address, _) = await InsertAsync(ledger);
        var bundle = Path.Combine(Path.GetTempPath(), $"block-{Guid.NewGuid():N}.ion");
        try
        {
            var save = await Cli.RunAsync(["proof", "block", "--endpoint", _handler.Endpoint, "--ledger", ledger, "--block-address", address, "--out", bundle]);
            Assert.True(save.ExitCode == 0, save.Stderr);

            var verify = await Cli.RunAsync(["proof", "verify", bundle]);
            Assert.True(verify.ExitCode == 0, verify.Stderr);

            await File.WriteAllTextAsync(bundle, FlipFirstProofHash(await File.ReadAllTextAsync(bundle)));
            Assert.Equal(1, (await Cli.RunAsync(["proof", "verify", bundle])).ExitCode);
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    // Changes the first base64 character of the first proof hash: still a 32-byte blob, but a different hash.
    private static string FlipFirstProofHash(string bundle)
    {
        var proof = bundle.IndexOf("proof:", StringComparison.Ordinal);
        var blob = bundle.IndexOf("{{", proof, StringComparison.Ordinal) + 2;
        while (bundle[blob] == ' ')
        {
            blob++;
        }

        var flipped = bundle[blob] == 'A' ? 'B' : 'A';
        return string.Concat(bundle.AsSpan(0, blob), flipped.ToString(), bundle.AsSpan(blob + 1));
    }

    private Task<string> CreateLedgerAsync() => _handler.CreateLedgerAsync();

    private Task<(string Address, string DocumentId)> InsertAsync(string ledger) => _handler.InsertAsync(ledger);
}
