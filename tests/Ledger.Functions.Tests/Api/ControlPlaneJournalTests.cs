using Ledger.Engine;
using Ledger.Functions.Auth.Credentials;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Functions.Tests.Api;

/// <summary>GetDigest, GetBlock and GetRevision over HTTP; the journal is written through the handler's engine.</summary>
public sealed class ControlPlaneJournalTests : IAsyncLifetime
{
    private HandlerHost? _host;
    private SignedControlPlaneClient? _client;

    private SignedControlPlaneClient Client => _client!;

    public async Task InitializeAsync()
    {
        _host = await HandlerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Ledger:Storage"] = "InMemory",
            ["Ledger:Limits:MaxActiveLedgers"] = "1000",
            ["Ledger:Auth:UseLocalDevelopmentKeys"] = "true",
        });
        _client = new SignedControlPlaneClient(_host, LocalDevelopmentCredentials.AccessKeyId, LocalDevelopmentCredentials.SecretAccessKey);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    // A ledger made over HTTP whose journal holds CREATE TABLE and three inserts (committed through the engine the
    // way the session protocol commits, driver digest included). Returns the ledger name and the inserted ids.
    private async Task<(string Name, List<string> DocumentIds)> LedgerWithBlocksAsync()
    {
        var name = ControlPlaneLedgerTests.FreshName();
        Assert.Equal(200, (await Client.PostAsync("/ledgers", $$"""{"Name":"{{name}}","PermissionsMode":"ALLOW_ALL"}""")).Status);
        var engine = _host!.Services.GetRequiredService<LedgerEngine>();
        var ids = new List<string>();
        async Task CommitAsync(string statement, params IonValue[] parameters)
        {
            var session = await engine.StartSessionAsync(name);
            var transactionId = await engine.StartTransactionAsync(session);
            var digest = new CommitDigest(transactionId);
            digest.AddStatement(statement, parameters);
            var page = await engine.ExecuteStatementAsync(session, transactionId, statement, parameters);
            ids.AddRange(page.Values.OfType<IonStruct>().Select(v => v["documentId"]).OfType<IonString>().Select(id => id.Value));
            await engine.CommitTransactionAsync(session, transactionId, digest.Value);
            await engine.EndSessionAsync(session);
        }

        await CommitAsync("CREATE TABLE Vehicle");
        for (var i = 0; i < 3; i++)
        {
            await CommitAsync("INSERT INTO Vehicle ?", IonText.Parse($"{{VIN: \"VIN{i}\", Owner: \"owner {i}\"}}"));
        }

        return (name, ids);
    }

    private static string Holder(string ionText) => System.Text.Json.JsonSerializer.Serialize(new { IonText = ionText });

    [Fact]
    public async Task The_digest_covers_the_latest_block_and_block_and_revision_proofs_fold_to_it()
    {
        var (name, ids) = await LedgerWithBlocksAsync();

        var digestResponse = await Client.PostAsync($"/ledgers/{name}/digest", "");
        Assert.Equal(200, digestResponse.Status);
        var digest = Hash32.FromBase64(digestResponse.String("Digest"));
        var tipText = digestResponse.Json.GetProperty("DigestTipAddress").GetProperty("IonText").GetString()!;
        var tip = BlockAddress.Parse(tipText);
        Assert.Equal(3, tip.SequenceNo);
        Assert.Equal($"{{strandId:\"{tip.StrandId}\",sequenceNo:3}}", tipText);

        for (var sequenceNo = 0; sequenceNo <= 3; sequenceNo++)
        {
            var address = new BlockAddress(tip.StrandId, sequenceNo).ToIonText();
            var block = await Client.PostAsync($"/ledgers/{name}/block", $$"""{"BlockAddress":{{Holder(address)}},"DigestTipAddress":{{Holder(tipText)}}}""");
            Assert.Equal(200, block.Status);
            var parsed = JournalBlock.Parse(block.Json.GetProperty("Block").GetProperty("IonText").GetString()!);
            parsed.Verify().ThrowIfInvalid();
            var proof = JournalProof.Parse(block.Json.GetProperty("Proof").GetProperty("IonText").GetString()!);
            Assert.Equal(digest, QldbHash.Fold(parsed.BlockHash, proof));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var address = new BlockAddress(tip.StrandId, i + 1).ToIonText();
            var revision = await Client.PostAsync($"/ledgers/{name}/revision",
                $$"""{"BlockAddress":{{Holder(address)}},"DocumentId":"{{ids[i]}}","DigestTipAddress":{{Holder(tipText)}}}""");
            Assert.Equal(200, revision.Status);
            var parsed = JournalRevision.Parse(revision.Json.GetProperty("Revision").GetProperty("IonText").GetString()!);
            parsed.VerifyHash().ThrowIfInvalid();
            Assert.Equal(IonString.Of($"VIN{i}"), ((IonStruct)parsed.Data!)["VIN"]);
            var proof = JournalProof.Parse(revision.Json.GetProperty("Proof").GetProperty("IonText").GetString()!);
            Assert.Equal(digest, QldbHash.Fold(parsed.Hash, proof));
        }
    }

    [Fact]
    public async Task Without_a_tip_block_and_revision_come_without_proof()
    {
        var (name, ids) = await LedgerWithBlocksAsync();
        var strand = BlockAddress.Parse((await Client.PostAsync($"/ledgers/{name}/digest", "")).Json.GetProperty("DigestTipAddress").GetProperty("IonText").GetString()!).StrandId;
        var address = new BlockAddress(strand, 1).ToIonText();

        var block = await Client.PostAsync($"/ledgers/{name}/block", $$"""{"BlockAddress":{{Holder(address)}}}""");
        var revision = await Client.PostAsync($"/ledgers/{name}/revision", $$"""{"BlockAddress":{{Holder(address)}},"DocumentId":"{{ids[0]}}"}""");

        Assert.Equal(200, block.Status);
        Assert.False(block.Json.TryGetProperty("Proof", out _));
        Assert.Equal(200, revision.Status);
        Assert.False(revision.Json.TryGetProperty("Proof", out _));
    }

    [Theory]
    [InlineData("block", """{"BlockAddress":{"IonText":"{strandId:\"{strand}\",sequenceNo:1}"},"DigestTipAddress":{"IonText":"{strandId:\"{strand}\",sequenceNo:4}"}}""", "DigestTipAddress")]
    [InlineData("block", """{"BlockAddress":{"IonText":"{strandId:\"{strand}\",sequenceNo:2}"},"DigestTipAddress":{"IonText":"{strandId:\"{strand}\",sequenceNo:1}"}}""", "DigestTipAddress")]
    [InlineData("block", """{"BlockAddress":{"IonText":"{strandId:\"AAAAAAAAAAAAAAAAAAAAAA\",sequenceNo:1}"}}""", "BlockAddress")]
    [InlineData("block", """{"BlockAddress":{"IonText":"{strandId:\"{strand}\",sequenceNo:9}"}}""", "BlockAddress")]
    [InlineData("block", """{"BlockAddress":{"IonText":"not ion {"}}""", "BlockAddress")]
    [InlineData("block", """{}""", "BlockAddress")]
    [InlineData("block", """{"BlockAddress":{"IonText":"{strandId:\"{strand}\",sequenceNo:1}"},"DigestTipAddress":{}}""", "DigestTipAddress")]
    [InlineData("revision", """{"BlockAddress":{"IonText":"{strandId:\"{strand}\",sequenceNo:1}"},"DocumentId":"short"}""", "DocumentId")]
    [InlineData("revision", """{"BlockAddress":{"IonText":"{strandId:\"{strand}\",sequenceNo:1}"},"DocumentId":"AAAAAAAAAAAAAAAAAAAAAA"}""", "DocumentId")]
    [InlineData("revision", """{"BlockAddress":{"IonText":"{strandId:\"{strand}\",sequenceNo:1}"},"DocumentId":"AAAAAAAAAAAAAAAAAAAAAA","DigestTipAddress":{"IonText":"{strandId:\"OTHERSTRANDOTHERSTRAND\",sequenceNo:3}"}}""", "DigestTipAddress")]
    [InlineData("revision", """{"BlockAddress":5}""", "Body")]
    public async Task Bad_addresses_and_ids_are_invalid_parameters(string operation, string bodyTemplate, string parameterName)
    {
        var (name, _) = await LedgerWithBlocksAsync();
        var strand = BlockAddress.Parse((await Client.PostAsync($"/ledgers/{name}/digest", "")).Json.GetProperty("DigestTipAddress").GetProperty("IonText").GetString()!).StrandId;

        var response = await Client.PostAsync($"/ledgers/{name}/{operation}", bodyTemplate.Replace("{strand}", strand, StringComparison.Ordinal));

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidParameterException", response.ErrorType);
        Assert.Equal(parameterName, response.String("ParameterName"));
    }

    [Fact]
    public async Task A_missing_ledger_is_not_found_and_an_empty_one_has_no_digest_yet()
    {
        var empty = ControlPlaneLedgerTests.FreshName();
        Assert.Equal(200, (await Client.PostAsync("/ledgers", $$"""{"Name":"{{empty}}","PermissionsMode":"ALLOW_ALL"}""")).Status);

        var missing = await Client.PostAsync($"/ledgers/{ControlPlaneLedgerTests.FreshName()}/digest", "");
        var notReady = await Client.PostAsync($"/ledgers/{empty}/digest", "");

        Assert.Equal(404, missing.Status);
        Assert.Equal("ResourceNotFoundException", missing.ErrorType);
        Assert.Equal(412, notReady.Status);
        Assert.Equal("ResourcePreconditionNotMetException", notReady.ErrorType);
    }
}
