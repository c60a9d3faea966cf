using System.Security.Cryptography;
using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

public class HashSha256Tests
{
    [Fact]
    public void OpenSsl_block_function_is_used_on_linux() =>
        Assert.Equal(OperatingSystem.IsLinux(), BlockwiseSha256.UsesOpenSsl);

    [Fact]
    public void Managed_compression_matches_the_platform_for_every_length_up_to_five_blocks() =>
        AssertMatchesPlatform(useOpenSsl: false);

    [Fact]
    public void OpenSsl_block_function_matches_the_platform_for_every_length_up_to_five_blocks()
    {
        if (BlockwiseSha256.UsesOpenSsl)
        {
            AssertMatchesPlatform(useOpenSsl: true);
        }
    }

    private static void AssertMatchesPlatform(bool useOpenSsl)
    {
        var random = new Random(7);
        var expected = new byte[32];
        var actual = new byte[32];
        for (var length = 0; length <= 320; length++)
        {
            var input = new byte[length];
            random.NextBytes(input);
            SHA256.HashData(input, expected);
            BlockwiseSha256.HashData(input, actual, useOpenSsl);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"length {length}");
        }
    }

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Blockwise_sha256_matches_the_fips_examples(string message, string hex)
    {
        var digest = new byte[32];
        BlockwiseSha256.HashData(System.Text.Encoding.ASCII.GetBytes(message), digest);
        Assert.Equal(hex, Convert.ToHexStringLower(digest));
    }
}
