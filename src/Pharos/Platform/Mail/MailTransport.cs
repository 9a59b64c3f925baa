using System.Globalization;
using System.Text;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;
using MimeKit.Utils;

namespace Pharos.Platform.Mail;

/// <summary>
/// Turns an <see cref="OutgoingMail"/> into a delivered mail: through SMTP when <c>Pharos:Mail:Smtp:Host</c> is set,
/// otherwise as an .eml file in the pickup folder. Failures throw so the caller's outbox can retry; logs carry the
/// Message-Id and never an address.
/// </summary>
public sealed partial class MailTransport(IOptions<MailOptions> options, TimeProvider time, ILogger<MailTransport> logger)
{
    private readonly MailOptions _options = options.Value;

    public async Task SendAsync(OutgoingMail mail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mail);
        using var message = Build(mail);
        if (_options.UsesSmtp)
            await SendSmtpAsync(message, ct);
        else
            await WritePickupAsync(message, ct);
    }

    internal MimeMessage Build(OutgoingMail mail)
    {
        // Throws rather than letting the server reject it: a malformed address never succeeds on retry. The address
        // stays out of the exception text because callers log exceptions.
        if (!MailOptions.TryParseMailbox(mail.To, out var to))
            throw new ArgumentException("The recipient is not a mailbox address.", nameof(mail));
        if (!MailOptions.TryParseMailbox(_options.From, out var from))
            throw new InvalidOperationException($"{MailOptions.Section}:From is not a mailbox address.");

        var message = new MimeMessage();
        // UTF-8 named explicitly for the display names and subject so Chinese becomes RFC 2047 encoded-words in UTF-8
        // rather than whatever charset MimeKit would pick as the smallest fit.
        message.From.Add(new MailboxAddress(Encoding.UTF8, from.Name, from.Address));
        message.To.Add(new MailboxAddress(Encoding.UTF8, mail.ToName, to.Address));
        message.Headers.Replace(HeaderId.Subject, Encoding.UTF8, mail.Subject);
        message.Date = time.GetUtcNow();
        message.MessageId = string.IsNullOrWhiteSpace(mail.MessageId)
            ? MimeUtils.GenerateMessageId(from.Domain)
            : mail.MessageId.Trim().TrimStart('<').TrimEnd('>');

        var text = new TextPart(TextFormat.Plain);
        text.SetText(Encoding.UTF8, mail.TextBody);
        if (mail.HtmlBody is null)
        {
            message.Body = text;
        }
        else
        {
            var html = new TextPart(TextFormat.Html);
            html.SetText(Encoding.UTF8, mail.HtmlBody);
            // Richest last (RFC 2046 §5.1.4): clients show the HTML and fall back to the text.
            message.Body = new MultipartAlternative { text, html };
        }
        // 7-bit transfer encodings: a relay or pickup consumer without 8BITMIME gets the same bytes as one with it.
        message.Prepare(EncodingConstraint.SevenBit);
        return message;
    }

    private async Task SendSmtpAsync(MimeMessage message, CancellationToken ct)
    {
        var smtp = _options.Smtp;
        var started = time.GetTimestamp();
        // MailKit's Timeout bounds each socket read and write; the token bounds the whole exchange, because a server
        // that trickles replies could otherwise hold a send far longer than the time-out.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(smtp.Timeout);
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.SocketOptions, deadline.Token);
            if (!string.IsNullOrEmpty(smtp.User))
                await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", deadline.Token);
            await client.SendAsync(message, deadline.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            LogSmtpFailed(logger, message.MessageId, nameof(TimeoutException), null);
            throw new TimeoutException($"SMTP delivery to {smtp.Host}:{smtp.Port} did not finish within {smtp.Timeout}.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The type and SMTP status only: a server's reply text often quotes the recipient's address.
            LogSmtpFailed(logger, message.MessageId, ex.GetType().Name, (ex as SmtpCommandException)?.StatusCode);
            throw;
        }

        LogSent(logger, message.MessageId, smtp.Host, time.GetElapsedTime(started).TotalMilliseconds);
        try
        {
            await client.DisconnectAsync(quit: true, deadline.Token);
        }
        catch (Exception ex)
        {
            // The server has accepted the mail; throwing now would make the outbox send it a second time.
            LogQuitFailed(logger, message.MessageId, ex.GetType().Name);
        }
    }

    private async Task WritePickupAsync(MimeMessage message, CancellationToken ct)
    {
        var folder = _options.PickupFolder!;
        Directory.CreateDirectory(folder);
        var now = time.GetUtcNow();
        var name = $"{now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Guid.CreateVersion7(now):N}.eml";
        var path = Path.Combine(folder, name);
        // Written under a name no *.eml reader picks up, made durable, then renamed within the folder (atomic on
        // one file system): a reader sees the whole mail or none of it, even across a crash.
        var temp = Path.Combine(folder, $".{name}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16 * 1024, FileOptions.Asynchronous))
            {
                await message.WriteToAsync(PickupFormat, stream, ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        LogWritten(logger, message.MessageId, name);
    }

    /// <summary>CRLF whatever the OS: .eml files and pickup directories are read as SMTP wire format.</summary>
    private static readonly FormatOptions PickupFormat = CreatePickupFormat();

    private static FormatOptions CreatePickupFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Mail {MessageId} accepted by SMTP server {Host} in {ElapsedMs:F0} ms")]
    private static partial void LogSent(ILogger logger, string? messageId, string? host, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Mail {MessageId} not delivered by SMTP: {Error} (status {SmtpStatus})")]
    private static partial void LogSmtpFailed(ILogger logger, string? messageId, string error, SmtpStatusCode? smtpStatus);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Mail {MessageId} was accepted, but QUIT failed: {Error}")]
    private static partial void LogQuitFailed(ILogger logger, string? messageId, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Mail {MessageId} written to the pickup folder as {FileName}")]
    private static partial void LogWritten(ILogger logger, string? messageId, string fileName);
}
