using Ledger.Engine.Ports;

namespace Ledger.Cli;

/// <summary>
/// An export downloaded to a local folder (e.g. with <c>az storage blob download-batch</c> or <c>aws s3 sync</c>):
/// the folder is the bucket's root, so a key <c>p/2026/12/07/18/strand.0-9.ion</c> is the file
/// <c>FOLDER/p/2026/12/07/18/strand.0-9.ion</c>. The bucket name is not part of the path.
/// </summary>
internal sealed class FolderExportSource(string root) : IExportSource
{
    private readonly string _root = Path.GetFullPath(root);

    public async ValueTask<ReadOnlyMemory<byte>?> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        // A manifest could name "../x": keys must stay inside the folder, as they stay inside a bucket.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
        {
            return null;
        }

        return await File.ReadAllBytesAsync(path, cancellationToken);
    }

    public ValueTask<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> keys = Directory.Exists(_root)
            ? [.. Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
                .Select(file => Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/'))
                .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)]
            : [];
        return ValueTask.FromResult(keys);
    }
}

/// <summary>Reports each data object the verifier fetches, so a long verification shows a progress bar.</summary>
internal sealed class ReportingExportSource(IExportSource inner, IReadOnlyList<string> dataKeys, IProgressLine progress) : IExportSource
{
    private readonly HashSet<string> _dataKeys = [.. dataKeys];
    private int _read;

    public async ValueTask<ReadOnlyMemory<byte>?> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        var bytes = await inner.GetObjectAsync(bucket, key, cancellationToken);
        if (_dataKeys.Contains(key))
        {
            await progress.ReportAsync(key, ++_read, _dataKeys.Count);
        }

        return bytes;
    }

    public ValueTask<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken = default) =>
        inner.ListKeysAsync(bucket, prefix, cancellationToken);
}
