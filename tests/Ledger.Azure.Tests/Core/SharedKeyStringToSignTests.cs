using Ledger.Azure.Core;

namespace Ledger.Azure.Tests.Core;

public sealed class SharedKeyStringToSignTests
{
    [Fact]
    public void Table_SharedKeyLite_is_date_and_resource_with_the_path_style_account_repeated()
    {
        var result = SharedKeyStringToSign.ForTableSharedKeyLite(
            "devstoreaccount1", "/devstoreaccount1/Tables", "?$top=1&$filter=x", "Sun, 22 Nov 2026 04:00:00 GMT");

        Assert.Equal("Sun, 22 Nov 2026 04:00:00 GMT\n/devstoreaccount1/devstoreaccount1/Tables", result);
    }

    [Fact]
    public void Table_resource_keeps_only_comp_and_the_encoded_path()
    {
        Assert.Equal("/acct/t(PartitionKey='a%20b',RowKey='')?comp=list",
            SharedKeyStringToSign.TableCanonicalizedResource("acct", "/t(PartitionKey='a%20b',RowKey='')", "?NextPartitionKey=x&comp=list"));
        Assert.Equal("/acct/$batch", SharedKeyStringToSign.TableCanonicalizedResource("acct", "/$batch", ""));
    }

    [Fact]
    public void Blob_string_lists_standard_headers_then_sorted_ms_headers_then_sorted_decoded_query()
    {
        var headers = new Dictionary<string, string>
        {
            ["x-ms-version"] = "2025-11-05",
            ["X-MS-Date"] = "Sun, 22 Nov 2026 04:00:00 GMT",
            ["x-ms-meta-Kind"] = "  padded  ",
            ["Content-Type"] = "text/plain",
            ["If-Match"] = "\"0x1\"",
            ["Range"] = "bytes=0-9",
            ["Accept"] = "ignored",
        };

        var result = SharedKeyStringToSign.ForBlobSharedKey(
            "acct", "put", "/acct/c/a%20b.txt", "?timeout=30&comp=block&blockid=QUJD%3D%3D", headers, contentLength: 12);

        Assert.Equal(
            "PUT\n\n\n12\n\ntext/plain\n\n\n\"0x1\"\n\n\nbytes=0-9\n" +
            "x-ms-date:Sun, 22 Nov 2026 04:00:00 GMT\nx-ms-meta-kind:padded\nx-ms-version:2025-11-05\n" +
            "/acct/acct/c/a%20b.txt\nblockid:QUJD==\ncomp:block\ntimeout:30",
            result);
    }

    [Fact]
    public void Blob_string_leaves_length_empty_for_zero_and_ignores_content_type_without_a_body()
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/xml" };

        var empty = SharedKeyStringToSign.ForBlobSharedKey("a", "PUT", "/a/c/b", "", headers, contentLength: 0);
        var bodiless = SharedKeyStringToSign.ForBlobSharedKey("a", "HEAD", "/a/c/b", "", headers, contentLength: null);

        Assert.StartsWith("PUT\n\n\n\n\napplication/xml\n", empty, StringComparison.Ordinal);
        Assert.StartsWith("HEAD\n\n\n\n\n\n", bodiless, StringComparison.Ordinal);
    }

    [Fact]
    public void Blob_resource_joins_repeated_parameters_and_roots_the_service_path()
    {
        Assert.Equal("/acct/\ncomp:list\ninclude:metadata,snapshots",
            SharedKeyStringToSign.BlobCanonicalizedResource("acct", "", "?include=snapshots&comp=list&include=metadata"));
    }

    [Fact]
    public void Signature_is_base64_HMAC_SHA256_with_the_decoded_key()
    {
        var credential = new StorageSharedKeyCredential("acct", Convert.ToBase64String("secret-key"u8.ToArray()));

        // Reference value: printf 'GET\n/acct/x' | openssl dgst -sha256 -hmac secret-key -binary | base64
        Assert.Equal(ExpectedSignature, credential.ComputeSignature("GET\n/acct/x"));
        Assert.DoesNotContain("c2VjcmV0", credential.ToString(), StringComparison.Ordinal);
    }

    private const string ExpectedSignature = "T0IwhAM/1gMzfLzui9nK8lvgf0TtdSWFrSAP57dUbik=";
}
