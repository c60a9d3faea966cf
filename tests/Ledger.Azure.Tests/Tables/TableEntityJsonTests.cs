using System.Text;
using System.Text.Json;
using global::Azure;
using Ledger.Azure.Tables;

namespace Ledger.Azure.Tests.Tables;

public sealed class TableEntityJsonTests
{
    [Fact]
    public void Writes_annotations_for_types_JSON_cannot_carry()
    {
        var entity = new TableEntity("p", "r")
        {
            ["S"] = "s",
            ["I"] = 1,
            ["L"] = long.MaxValue,
            ["D"] = 2.0,
            ["N"] = double.NaN,
            ["B"] = false,
            ["T"] = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            ["G"] = Guid.Parse("00000000-0000-0000-0000-000000000001"),
            ["X"] = new byte[] { 1, 2 },
        };

        var json = Encoding.UTF8.GetString(TableEntityJson.Serialize(entity));

        Assert.Equal(
            "{\"PartitionKey\":\"p\",\"RowKey\":\"r\",\"S\":\"s\",\"I\":1,\"L@odata.type\":\"Edm.Int64\",\"L\":\"9223372036854775807\"," +
            "\"D@odata.type\":\"Edm.Double\",\"D\":2,\"N@odata.type\":\"Edm.Double\",\"N\":\"NaN\",\"B\":false," +
            "\"T@odata.type\":\"Edm.DateTime\",\"T\":\"2025-01-02T01:04:05.0000000Z\"," +
            "\"G@odata.type\":\"Edm.Guid\",\"G\":\"00000000-0000-0000-0000-000000000001\",\"X@odata.type\":\"Edm.Binary\",\"X\":\"AQI=\"}",
            json);
    }

    [Fact]
    public void Each_serialized_entity_holds_only_its_own_properties_after_a_large_one_on_the_same_thread()
    {
        var large = new TableEntity("p", "big") { ["X"] = new byte[300 * 1024] };
        var first = new TableEntity("p", "1") { ["A"] = "a", ["L"] = 5L };
        var second = new TableEntity("p", "2") { ["B"] = true };

        var largeJson = TableEntityJson.Serialize(large);
        var firstJson = Encoding.UTF8.GetString(TableEntityJson.Serialize(first));
        var secondJson = Encoding.UTF8.GetString(TableEntityJson.Serialize(second));

        using (var document = JsonDocument.Parse(largeJson))
        {
            Assert.Equal(300 * 1024, document.RootElement.GetProperty("X").GetBytesFromBase64().Length);
        }

        Assert.Equal("{\"PartitionKey\":\"p\",\"RowKey\":\"1\",\"A\":\"a\",\"L@odata.type\":\"Edm.Int64\",\"L\":\"5\"}", firstJson);
        Assert.Equal("{\"PartitionKey\":\"p\",\"RowKey\":\"2\",\"B\":true}", secondJson);
    }

    [Fact]
    public async Task Entities_serialized_on_many_threads_at_once_each_come_out_whole()
    {
        var jsons = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            Encoding.UTF8.GetString(TableEntityJson.Serialize(new TableEntity("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture)) { ["N"] = i, ["X"] = new byte[i * 100] })))));

        for (var i = 0; i < jsons.Length; i++)
        {
            using var document = JsonDocument.Parse(jsons[i]);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), document.RootElement.GetProperty("RowKey").GetString());
            Assert.Equal(i, document.RootElement.GetProperty("N").GetInt32());
            Assert.Equal(i * 100, document.RootElement.GetProperty("X").GetBytesFromBase64().Length);
        }
    }

    [Fact]
    public void Reads_minimal_metadata_with_unannotated_Timestamp_and_inferred_types()
    {
        const string json = "{\"odata.metadata\":\"m\",\"odata.etag\":\"W/\\\"datetime'x'\\\"\",\"PartitionKey\":\"p\",\"RowKey\":\"r\"," +
            "\"Timestamp\":\"2026-11-22T02:52:51.1199793Z\",\"I\":5,\"Big\":3000000000,\"F\":1.5,\"Yes\":true," +
            "\"L@odata.type\":\"Edm.Int64\",\"L\":\"-7\",\"Inf@odata.type\":\"Edm.Double\",\"Inf\":\"-Infinity\"}";

        using var document = JsonDocument.Parse(json);
        var entity = TableEntityJson.Read(document.RootElement);

        Assert.Equal(new ETag("W/\"datetime'x'\""), entity.ETag);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 2, 52, 51, TimeSpan.Zero).AddTicks(1199793), entity.Timestamp);
        Assert.IsType<int>(entity["I"]);
        Assert.IsType<long>(entity["Big"]);
        Assert.Equal(1.5, entity["F"]);
        Assert.Equal(true, entity["Yes"]);
        Assert.Equal(-7L, entity["L"]);
        Assert.Equal(double.NegativeInfinity, entity.GetDouble("Inf"));
        Assert.Equal(6, entity.Count);
    }

    [Fact]
    public void Reads_full_metadata_annotations_for_every_property()
    {
        const string json = "{\"odata.type\":\"acct.t\",\"odata.id\":\"id\",\"odata.editLink\":\"e\",\"PartitionKey\":\"p\",\"RowKey\":\"r\"," +
            "\"Timestamp@odata.type\":\"Edm.DateTime\",\"Timestamp\":\"2026-11-22T02:52:51Z\"," +
            "\"D@odata.type\":\"Edm.Double\",\"D\":3,\"S@odata.type\":\"Edm.String\",\"S\":\"x\"," +
            "\"I@odata.type\":\"Edm.Int32\",\"I\":4,\"B@odata.type\":\"Edm.Boolean\",\"B\":false}";

        using var document = JsonDocument.Parse(json);
        var entity = TableEntityJson.Read(document.RootElement);

        Assert.IsType<double>(entity["D"]);
        Assert.Equal("x", entity["S"]);
        Assert.Equal(4, entity["I"]);
        Assert.Equal(false, entity["B"]);
        Assert.Equal(4, entity.Count);
    }

    [Fact]
    public void Entity_normalizes_values_and_rejects_bad_names_and_types()
    {
        var entity = new TableEntity("p", "r")
        {
            ["Local"] = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.FromHours(5)),
            ["Unspecified"] = new DateTime(2025, 1, 1, 12, 0, 0, DateTimeKind.Unspecified),
        };

        Assert.Equal(TimeSpan.Zero, entity.GetDateTimeOffset("Local")!.Value.Offset);
        Assert.Equal(7, entity.GetDateTimeOffset("Local")!.Value.Hour);
        Assert.Equal(12, entity.GetDateTimeOffset("Unspecified")!.Value.Hour);
        Assert.Throws<ArgumentException>(() => entity["RowKey"] = "x");
        Assert.Throws<ArgumentException>(() => entity["A@odata.type"] = "x");
        Assert.Throws<ArgumentException>(() => entity["Dec"] = 1.5m);
        Assert.Throws<InvalidCastException>(() => entity.GetGuid("Local"));
        Assert.Equal(5L, new TableEntity("p", "r") { ["I"] = 5 }.GetInt64("I"));
        Assert.Null(entity.GetString("Missing"));
        entity["Local"] = null;
        Assert.False(entity.ContainsKey("Local"));
    }

    [Fact]
    public void Service_size_follows_the_documented_formula()
    {
        var entity = new TableEntity("pk", "rk")
        {
            ["S"] = "abc",
            ["B"] = new byte[] { 1, 2, 3 },
            ["I"] = 1,
            ["L"] = 1L,
            ["D"] = 1.0,
            ["T"] = DateTimeOffset.UnixEpoch,
            ["G"] = Guid.Empty,
            ["F"] = true,
        };

        // 4 + 2*2 + 2*2, then 8 + 2 per one-letter name, plus 10, 7, 4, 8, 8, 8, 16, 1 for the values.
        Assert.Equal(12 + (8 * 10) + 10 + 7 + 4 + 8 + 8 + 8 + 16 + 1, entity.ComputeServiceSize());
    }

    [Fact]
    public async Task Oversized_entities_are_rejected_before_sending()
    {
        var tooMany = new TableEntity("p", "r");
        for (var i = 0; i <= TableEntity.MaxCustomProperties; i++)
        {
            tooMany[$"P{i}"] = i;
        }
        var tooBig = new TableEntity("p", "r");
        for (var i = 0; i < 17; i++)
        {
            tooBig[$"P{i}"] = new string('x', 32_000);
        }
        var table = new TableServiceClient(Ledger.Azure.Core.StorageConnection.ForDevelopmentStorage(blobPort: 1, tablePort: 1)).GetTableClient("ledger");

        var count = await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(tooMany));
        var size = await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertEntityAsync(tooBig));
        Assert.Throws<ArgumentException>(() => new TableTransaction().AddEntity(tooBig));

        Assert.Contains("custom properties", count.Message, StringComparison.Ordinal);
        Assert.Contains("bytes", size.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filters_quote_and_type_their_literals()
    {
        var filter = TableFilter.Create(
            $"PartitionKey eq {"o'brien"} and Seq ge {5L} and N lt {3} and T gt {new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)} and G eq {Guid.Empty} and B eq {true} and X eq {new byte[] { 10, 11 }}");

        Assert.Equal(
            "PartitionKey eq 'o''brien' and Seq ge 5L and N lt 3 and T gt datetime'2025-01-01T00:00:00.0000000Z' and " +
            "G eq guid'00000000-0000-0000-0000-000000000000' and B eq true and X eq X'0a0b'",
            filter);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("has-dash")]
    public void Invalid_table_names_are_rejected(string name)
    {
        Assert.Throws<ArgumentException>(() => new TableServiceClient(Ledger.Azure.Core.StorageConnection.ForDevelopmentStorage()).GetTableClient(name));
    }
}
