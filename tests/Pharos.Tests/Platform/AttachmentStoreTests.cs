using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Pharos.Platform.Files;
using Pharos.Platform.Problems;

namespace Pharos.Tests.Platform;

/// <summary>Ticket attachments on disk: what is refused, that refusals leave nothing, and that keys cannot escape the root.</summary>
public sealed class AttachmentStoreTests : IDisposable
{
    // The smallest valid PNG: one transparent pixel.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private readonly string _root = Path.Combine(Path.GetTempPath(), "pharos-attachments-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 14, 9, 30, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private AttachmentStore Store(AttachmentRules? rules = null) => new(_root, rules ?? AttachmentRules.Default, _time);

    private string[] FilesOnDisk() => Directory.Exists(_root) ? Directory.GetFiles(_root, "*", SearchOption.AllDirectories) : [];

    private static async Task<RuleViolation> RefusedAsync(AttachmentStore store, string fileName, Stream content)
    {
        var violation = await Assert.ThrowsAsync<RuleViolation>(() => store.SaveAsync(fileName, content, CancellationToken.None));
        Assert.Equal(("attachments", 400), (violation.Field, violation.Status));
        return violation;
    }

    [Fact]
    public async Task A_saved_file_reads_back_byte_for_byte_with_its_sha256()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 20_000).Select(i => $"2026-03-14 09:30:{i % 60:00} 第 {i} 行 ERROR timeout")));
        var store = Store();

        var stored = await store.SaveAsync("server.log", new MemoryStream(bytes), CancellationToken.None);

        Assert.Equal(("server.log", "text/plain", (long)bytes.Length), (stored.FileName, stored.ContentType, stored.Length));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Sha256);
        Assert.Matches(@"^2026/03/[0-9a-f]{32}$", stored.Key);
        await using var read = store.OpenRead(stored.Key);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Single(FilesOnDisk());
    }

    [Fact]
    public async Task Keys_are_generated_and_never_derived_from_the_file_name()
    {
        var store = Store();

        var first = await store.SaveAsync("../../etc/passwd.txt", new MemoryStream("a"u8.ToArray()), CancellationToken.None);
        var second = await store.SaveAsync("../../etc/passwd.txt", new MemoryStream("b"u8.ToArray()), CancellationToken.None);

        Assert.NotEqual(first.Key, second.Key);
        Assert.DoesNotContain("passwd", first.Key, StringComparison.Ordinal);
        Assert.Equal("passwd.txt", first.FileName);
        Assert.All(FilesOnDisk(), path => Assert.StartsWith(_root + Path.DirectorySeparatorChar, path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_real_png_is_accepted_as_an_image()
    {
        var stored = await Store().SaveAsync("截图.PNG", new MemoryStream(Png), CancellationToken.None);

        Assert.Equal(("截图.PNG", "image/png", (long)Png.Length), (stored.FileName, stored.ContentType, stored.Length));
    }

    [Theory]
    [InlineData("report.pdf", "%PDF-1.7\n%âãÏÓ\n1 0 obj")]
    [InlineData("photo.jpg", "\xFF\xD8\xFF\xE0\0\x10JFIF")]
    [InlineData("anim.gif", "GIF89a\x01\0\x01\0")]
    [InlineData("pic.webp", "RIFF\x24\0\0\0WEBPVP8 ")]
    [InlineData("data.xlsx", "PK\x03\x04\x14\0\x06\0")]
    [InlineData("notes.txt", "MZ is also how a note may start")]
    public async Task Content_that_matches_its_extension_is_accepted(string fileName, string content)
    {
        var bytes = content.Select(c => (byte)c).ToArray();

        var stored = await Store().SaveAsync(fileName, new MemoryStream(bytes), CancellationToken.None);

        Assert.Equal(bytes.Length, stored.Length);
    }

    [Fact]
    public async Task A_chinese_file_name_is_kept()
    {
        var stored = await Store().SaveAsync("日志 2026.log", new MemoryStream("启动失败"u8.ToArray()), CancellationToken.None);

        Assert.Equal("日志 2026.log", stored.FileName);
        Assert.DoesNotContain("日志", stored.Key, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"C:\fakepath\a.png", "a.png")]
    [InlineData("uploads/2026/docs/a.png", "a.png")]
    [InlineData("  a.png  ", "a.png")]
    [InlineData("invoice\u202Egnp.png", "invoicegnp.png")]
    [InlineData("line\r\nbreak.png", "linebreak.png")]
    public async Task The_file_name_loses_its_folders_and_invisible_characters(string given, string kept)
    {
        var stored = await Store().SaveAsync(given, new MemoryStream(Png), CancellationToken.None);

        Assert.Equal(kept, stored.FileName);
    }

    [Fact]
    public async Task A_very_long_file_name_is_cut_to_200_characters_keeping_its_extension()
    {
        var stored = await Store().SaveAsync(new string('长', 300) + ".png", new MemoryStream(Png), CancellationToken.None);

        Assert.Equal(200, stored.FileName.Length);
        Assert.EndsWith("长.png", stored.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversize_file_is_refused_with_its_size_and_the_limit_and_leaves_no_file()
    {
        var bytes = new byte[(int)(12.3 * 1024 * 1024)];

        var violation = await RefusedAsync(Store(), "big.log", new MemoryStream(bytes));

        Assert.Equal("'big.log' is 12.3 MB; the limit is 10 MB.", violation.Message);
        Assert.Empty(FilesOnDisk());
    }

    [Fact]
    public async Task An_endless_upload_is_cut_off_just_past_the_limit()
    {
        var endless = new EndlessStream();

        var violation = await RefusedAsync(Store(new AttachmentRules(1000, ["log"])), "stream.log", endless);

        Assert.Equal("'stream.log' is larger than the limit of 1000 bytes.", violation.Message);
        Assert.Equal(1001, endless.BytesRead);
        Assert.Empty(FilesOnDisk());
    }

    [Fact]
    public async Task A_file_exactly_at_the_limit_is_accepted()
    {
        var stored = await Store(new AttachmentRules(1000, ["log"])).SaveAsync("exact.log", new MemoryStream(new byte[1000]), CancellationToken.None);

        Assert.Equal(1000, stored.Length);
    }

    [Theory]
    [InlineData("setup.exe")]
    [InlineData("run.sh")]
    [InlineData("page.html")]
    [InlineData("image.svg")]
    [InlineData("no-extension")]
    [InlineData("trailing.png.exe")]
    public async Task A_file_type_outside_the_rules_is_refused(string fileName)
    {
        var violation = await RefusedAsync(Store(), fileName, new MemoryStream("MZ"u8.ToArray()));

        Assert.StartsWith($"'{fileName}' cannot be attached", violation.Message, StringComparison.Ordinal);
        Assert.Empty(FilesOnDisk());
    }

    [Theory]
    [InlineData("MZ\x90\0\x03\0\0\0\x04\0\0\0")]
    [InlineData("\x7F" + "ELF\x02\x01\x01\0\0\0\0\0")]
    [InlineData("\x89PN")]
    [InlineData("GIF89a\0\0\0\0\0\0")]
    public async Task An_executable_renamed_to_png_is_refused(string content)
    {
        var bytes = content.Select(c => (byte)c).ToArray();

        var violation = await RefusedAsync(Store(), "cute-cat.png", new MemoryStream(bytes));

        Assert.Equal("'cute-cat.png' is not really a .png file: its content does not match its extension.", violation.Message);
        Assert.Empty(FilesOnDisk());
    }

    [Theory]
    [InlineData("contract.docx")]
    [InlineData("report.pdf")]
    [InlineData("photo.jpeg")]
    [InlineData("pic.webp")]
    public async Task Text_disguised_as_a_binary_format_is_refused(string fileName)
    {
        await RefusedAsync(Store(), fileName, new MemoryStream("just some text, not the real thing"u8.ToArray()));

        Assert.Empty(FilesOnDisk());
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        var violation = await RefusedAsync(Store(), "empty.txt", new MemoryStream());

        Assert.Equal("'empty.txt' is empty.", violation.Message);
        Assert.Empty(FilesOnDisk());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(@"C:\fakepath\")]
    [InlineData("...")]
    public async Task A_file_without_a_name_is_refused(string fileName)
    {
        var violation = await RefusedAsync(Store(), fileName, new MemoryStream(Png));

        Assert.Equal("An attachment needs a file name.", violation.Message);
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_no_file()
    {
        using var cts = new CancellationTokenSource();
        var stream = new EndlessStream(onRead: cts.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store().SaveAsync("a.log", stream, cts.Token));

        Assert.Empty(FilesOnDisk());
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("2026/03/../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData(@"2026\03\0195b3e1c6a07c4b8e9f0a1b2c3d4e5f60")]
    [InlineData("2026/03/0195B3E1C6A07C4B8E9F0A1B2C3D4E5F")]
    [InlineData("2026/13/0195b3e1c6a07c4b8e9f0a1b2c3d4e5f")]
    [InlineData("2026/03/0195b3e1c6a07c4b8e9f0a1b2c3d4e5f\n")]
    [InlineData("2026/03/.0195b3e1c6a07c4b8e9f0a1b2c3d4e5f.tmp")]
    [InlineData("")]
    public void A_key_the_store_could_not_have_made_is_not_found(string key)
    {
        var store = Store();

        Assert.Throws<NotFound>(() => store.OpenRead(key));
        Assert.Throws<NotFound>(() => store.Delete(key));
    }

    [Fact]
    public void A_well_formed_key_with_no_file_is_not_found()
    {
        Assert.Throws<NotFound>(() => Store().OpenRead("2026/03/0195b3e1c6a07c4b8e9f0a1b2c3d4e5f"));
    }

    [Fact]
    public async Task Delete_removes_the_file_and_may_be_repeated()
    {
        var store = Store();
        var stored = await store.SaveAsync("a.png", new MemoryStream(Png), CancellationToken.None);

        store.Delete(stored.Key);
        store.Delete(stored.Key);

        Assert.Empty(FilesOnDisk());
        Assert.Throws<NotFound>(() => store.OpenRead(stored.Key));
    }

    /// <summary>A non-seekable upload that never ends, counting what was asked of it.</summary>
    private sealed class EndlessStream(Action? onRead = null) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            onRead?.Invoke();
            buffer.AsSpan(offset, count).Fill((byte)'x');
            BytesRead += count;
            return count;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
