using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Pharos.Platform.Problems;

namespace Pharos.Platform.Files;

/// <summary>What may be attached: a size cap and the extensions (without dot, any case) that are let in.</summary>
public sealed record AttachmentRules(long MaxBytes, IReadOnlyCollection<string> AllowedExtensions)
{
    public static AttachmentRules Default { get; } = new(10 * 1024 * 1024,
        ["png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv", "json", "xml", "zip", "docx", "xlsx", "pptx"]);

    internal bool Allows(string extension) =>
        AllowedExtensions.Any(allowed => string.Equals(allowed.TrimStart('.'), extension, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A saved attachment. <see cref="Key"/> locates the bytes; <see cref="FileName"/> is only for display and downloads.</summary>
public sealed record StoredFile(string Key, string FileName, string ContentType, long Length, string Sha256);

/// <summary>
/// Ticket attachments as files under <paramref name="root"/> (outside the web root; the app serves them through an
/// endpoint that checks access). A file appears under its key whole or not at all, and a refused upload leaves
/// nothing behind. Thread-safe: it holds no mutable state.
/// </summary>
public sealed partial class AttachmentStore(string root, AttachmentRules rules, TimeProvider? time = null)
{
    private const string Field = "attachments";
    private const int MaxFileNameLength = 200;

    private readonly string _root = Path.GetFullPath(root);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<StoredFile> SaveAsync(string fileName, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var name = CleanFileName(fileName);
        if (name.Length == 0) throw RuleViolation.BadField(Field, "An attachment needs a file name.");
        var extension = Path.GetExtension(name).TrimStart('.').ToLowerInvariant();
        if (extension.Length == 0 || !rules.Allows(extension))
            throw RuleViolation.BadField(Field, $"'{name}' cannot be attached: only {string.Join(", ", rules.AllowedExtensions)} files are allowed.");

        // The key comes from the clock and a random Guid, never from the user's name: nothing they type reaches the path.
        var now = _time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var key = string.Create(CultureInfo.InvariantCulture, $"{now:yyyy}/{now:MM}/{id:N}");
        var finalPath = PathOf(key);
        var folder = Path.GetDirectoryName(finalPath)!;
        Directory.CreateDirectory(folder);
        // Same folder as the final file, so the move is a rename on one volume (atomic), and a leading dot keeps it
        // out of KeyShape: a temp file left by a crash can never be opened as an attachment.
        var tempPath = Path.Combine(folder, $".{id:N}.tmp");

        try
        {
            var (length, sha256) = await CopyCheckedAsync(name, extension, content, tempPath, ct);
            File.Move(tempPath, finalPath, overwrite: false);
            return new StoredFile(key, name, ContentTypeOf(extension), length, sha256);
        }
        catch
        {
            // Refused, cancelled or failed: the caller gets the error and the disk keeps nothing.
            DeleteQuietly(tempPath);
            throw;
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more; an orphaned temp file is invisible to OpenRead and can be swept later.
        }
    }

    /// <summary>The bytes of an attachment. Throws <see cref="NotFound"/> for a missing file and for anything that is not a key.</summary>
    public Stream OpenRead(string key)
    {
        var path = PathOfExisting(key);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFound("The attachment");
        }
    }

    /// <summary>Removes an attachment, e.g. when the database write that would reference it failed. A missing file is fine.</summary>
    public void Delete(string key) => File.Delete(PathOfExisting(key));

    private async Task<(long Length, string Sha256)> CopyCheckedAsync(string name, string extension, Stream content, string tempPath, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = new byte[Signatures.HeaderLength];
        var headerLength = 0;
        var headerChecked = false;
        long total = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            await using var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            while (true)
            {
                // Never ask for more than one byte past the limit: a declared length is not trusted, and an endless
                // stream is cut off as soon as it is known to be too big.
                var want = (int)Math.Min(buffer.Length, rules.MaxBytes - total + 1);
                var read = await content.ReadAsync(buffer.AsMemory(0, want), ct);
                if (read == 0) break;
                total += read;
                if (total > rules.MaxBytes) throw TooBig(name, content);

                if (headerLength < header.Length)
                {
                    var take = Math.Min(read, header.Length - headerLength);
                    buffer.AsSpan(0, take).CopyTo(header.AsSpan(headerLength));
                    headerLength += take;
                }
                if (!headerChecked && headerLength == header.Length)
                {
                    CheckSignature(name, extension, header);
                    headerChecked = true;
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            if (total == 0) throw RuleViolation.BadField(Field, $"'{name}' is empty.");
            if (!headerChecked) CheckSignature(name, extension, header.AsSpan(0, headerLength));
            // On disk before it gets its real name, so a power cut cannot leave a named file with missing bytes.
            file.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private RuleViolation TooBig(string name, Stream content)
    {
        var limit = Size(rules.MaxBytes);
        // A seekable stream says how big it is, which makes a better message; the limit itself was enforced by counting.
        long? declared = null;
        try
        {
            if (content.CanSeek) declared = content.Length;
        }
        catch (NotSupportedException)
        {
        }
        return RuleViolation.BadField(Field, declared > rules.MaxBytes
            ? $"'{name}' is {Size(declared.Value)}; the limit is {limit}."
            : $"'{name}' is larger than the limit of {limit}.");
    }

    private static void CheckSignature(string name, string extension, ReadOnlySpan<byte> header)
    {
        if (!Signatures.Matches(extension, header))
            throw RuleViolation.BadField(Field, $"'{name}' is not really a .{extension} file: its content does not match its extension.");
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };

    /// <summary>
    /// The name as the user should see it again: no folders (browsers and old IE send "C:\fakepath\a.png"), no control
    /// or bidi-override characters (which make "invoice‮fdp.exe" read as a PDF), at most 200 characters with the
    /// extension kept.
    /// </summary>
    internal static string CleanFileName(string? fileName)
    {
        if (fileName is null) return "";
        var lastSeparator = fileName.LastIndexOfAny(['/', '\\']);
        var bare = fileName[(lastSeparator + 1)..];
        var clean = new StringBuilder(bare.Length);
        foreach (var c in bare)
        {
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format) continue;
            clean.Append(c);
        }
        // macOS sends decomposed (NFD) names; compose them so "é" is one character for display, length and search.
        var name = clean.ToString().Normalize(NormalizationForm.FormC).Trim().TrimEnd('.');
        if (name.Length <= MaxFileNameLength) return name;

        var extension = Path.GetExtension(name);
        var stemLength = MaxFileNameLength - extension.Length;
        if (stemLength <= 0) return name[..MaxFileNameLength];
        if (char.IsHighSurrogate(name[stemLength - 1])) stemLength--;
        return string.Concat(name.AsSpan(0, stemLength), extension);
    }

    private static string ContentTypeOf(string extension) => extension switch
    {
        "png" => "image/png",
        "jpg" or "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" or "log" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        // An extension someone added to the rules later: served as a download, never interpreted by the browser.
        _ => "application/octet-stream",
    };

    private string PathOf(string key) => Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));

    private string PathOfExisting(string key)
    {
        // Only keys this store could have made; "../../etc/passwd", absolute paths and temp files do not match.
        if (key is null || !KeyShape().IsMatch(key)) throw new NotFound("The attachment");
        var path = PathOf(key);
        // Belt and braces on top of the shape check.
        if (!Path.GetFullPath(path).StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new NotFound("The attachment");
        return path;
    }

    [GeneratedRegex(@"^[0-9]{4}/(0[1-9]|1[0-2])/[0-9a-f]{32}\z")]
    private static partial Regex KeyShape();

    /// <summary>Magic numbers of the types that have one; text types (txt, log, csv, json, xml) have none to check.</summary>
    private static class Signatures
    {
        public const int HeaderLength = 12;

        private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
        private static readonly byte[] Gif87 = "GIF87a"u8.ToArray();
        private static readonly byte[] Gif89 = "GIF89a"u8.ToArray();
        private static readonly byte[] Riff = "RIFF"u8.ToArray();
        private static readonly byte[] Webp = "WEBP"u8.ToArray();
        private static readonly byte[] Pdf = "%PDF-"u8.ToArray();
        // docx, xlsx and pptx are zip packages; a zip starts with a local file header (an empty archive, which has
        // only an end-of-directory record, is of no use as an attachment).
        private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];

        public static bool Matches(string extension, ReadOnlySpan<byte> header) => extension switch
        {
            "png" => header.StartsWith(Png),
            "jpg" or "jpeg" => header.StartsWith(Jpeg),
            "gif" => header.StartsWith(Gif87) || header.StartsWith(Gif89),
            "webp" => header.Length >= 12 && header.StartsWith(Riff) && header[8..12].SequenceEqual(Webp),
            "pdf" => header.StartsWith(Pdf),
            "zip" or "docx" or "xlsx" or "pptx" => header.StartsWith(Zip),
            _ => true,
        };
    }
}
