using System.Text.Json;
using Ledger.Functions.Protocol.ControlPlane;

namespace Ledger.Functions.Tests.Protocol;

public sealed class JournalMessagesTests
{
    [Fact]
    public void Export_requests_read_epoch_second_times_and_nested_configuration()
    {
        var request = ControlPlaneValidation.ParseBody(
            """
            {"InclusiveStartTime":1568839243.951,"ExclusiveEndTime":1568839300,"RoleArn":"arn:aws:iam::1:role/r",
             "S3ExportConfiguration":{"Bucket":"b","Prefix":"p/","EncryptionConfiguration":{"ObjectEncryptionType":"SSE_S3"}},
             "OutputFormat":"JSON"}
            """u8, JournalJsonContext.Default.ExportJournalToS3Request);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1568839243951), request.InclusiveStartTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1568839300), request.ExclusiveEndTime);
        Assert.Equal(("b", "p/", "SSE_S3", "JSON"), (request.S3ExportConfiguration!.Bucket, request.S3ExportConfiguration.Prefix,
            request.S3ExportConfiguration.EncryptionConfiguration!.ObjectEncryptionType, request.OutputFormat));
    }

    [Fact]
    public void Stream_descriptions_have_the_model_shape()
    {
        var described = new DescribeJournalKinesisStreamResponse
        {
            Stream = new JournalKinesisStreamDescription
            {
                LedgerName = "v",
                RoleArn = "r",
                StreamId = "7eRcBRZ1u4B1PS8Nhm7mbE",
                Status = "ACTIVE",
                StreamName = "s",
                CreationTime = DateTimeOffset.FromUnixTimeSeconds(1568839243),
                KinesisConfiguration = new KinesisConfiguration { StreamArn = "k", AggregationEnabled = true },
            },
        };

        Assert.Equal(
            """{"Stream":{"LedgerName":"v","CreationTime":1568839243,"RoleArn":"r","StreamId":"7eRcBRZ1u4B1PS8Nhm7mbE","Status":"ACTIVE","KinesisConfiguration":{"StreamArn":"k","AggregationEnabled":true},"StreamName":"s"}}""",
            JsonSerializer.Serialize(described, JournalJsonContext.Default.DescribeJournalKinesisStreamResponse));
    }

    [Fact]
    public void Tag_bodies_and_empty_answers_serialize_as_aws_does()
    {
        Assert.Equal("""{"Tags":{"k":"v"}}""",
            JsonSerializer.Serialize(new TagsBody { Tags = new Dictionary<string, string?> { ["k"] = "v" } }, JournalJsonContext.Default.TagsBody));
        Assert.Equal("{}", JsonSerializer.Serialize(new EmptyResponse(), JournalJsonContext.Default.EmptyResponse));
        Assert.Equal("""{"ExportId":"7eRcBRZ1u4B1PS8Nhm7mbE"}""",
            JsonSerializer.Serialize(new ExportJournalToS3Response { ExportId = "7eRcBRZ1u4B1PS8Nhm7mbE" }, JournalJsonContext.Default.ExportJournalToS3Response));
    }
}
