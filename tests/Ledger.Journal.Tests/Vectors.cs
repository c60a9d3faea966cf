using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Journal.Tests;

/// <summary>Loads the checked-in vector files (one case per file, each with <c>desc</c> and <c>wantErr</c>).</summary>
internal static class Vectors
{
    public static string OutputDirectory => Path.Combine(AppContext.BaseDirectory, "vectors");

    /// <summary>The checked-in source folder, for regenerating generated vectors.</summary>
    public static string SourceDirectory([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "vectors");

    /// <summary>Relative names ("folder/file.json") of the vector files in one scenario folder.</summary>
    public static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(Path.Combine(OutputDirectory, folder), "*.json")
            .Select(f => $"{folder}/{Path.GetFileName(f)}")
            .Order(StringComparer.Ordinal);

    public static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(OutputDirectory, name)))!.AsObject();

    public static Hash32 Base64(this JsonObject json, string field) => Hash32.FromBase64((string)json[field]!);

    public static Hash32? OptionalBase64(this JsonObject json, string field) =>
        json[field] is { } node ? Hash32.FromBase64((string)node!) : null;

    public static Hash32[] Base64List(this JsonObject json, string field) =>
        json[field]!.AsArray().Select(n => Hash32.FromBase64((string)n!)).ToArray();

    public static JsonArray ToJson(IEnumerable<Hash32> hashes) => new([.. hashes.Select(h => (JsonNode)h.ToBase64())]);

    public static string Serialize(JsonObject json) =>
        json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    public static Hash32 FlipBit(Hash32 hash, int bit)
    {
        var bytes = hash.ToArray();
        bytes[bit / 8 % Hash32.Length] ^= (byte)(1 << (bit % 8));
        return new Hash32(bytes);
    }
}
