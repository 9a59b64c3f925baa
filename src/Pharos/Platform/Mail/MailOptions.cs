using System.Diagnostics.CodeAnalysis;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Pharos.Platform.Mail;

/// <summary>How the SMTP connection is secured; <see cref="Auto"/> is MailKit's port-based guess.</summary>
public enum SmtpSecurity { None, StartTls, SslOnConnect, Auto }

public sealed class SmtpOptions
{
    /// <summary>Empty means no SMTP server: mails go to <see cref="MailOptions.PickupFolder"/>.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>
    /// StartTls by default: it refuses to talk to a server that does not offer TLS, where Auto would fall back to
    /// plain text on 587 and send the password in the clear to anyone who strips the STARTTLS offer.
    /// </summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    /// <summary>Empty means no AUTH command.</summary>
    public string? User { get; set; }
    public string? Password { get; set; }
    /// <summary>Bounds one whole delivery (connect, auth, send) so a stuck server cannot hold up the outbox.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal SecureSocketOptions SocketOptions => Security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

public sealed class MailOptions
{
    public const string Section = "Pharos:Mail";
    public string From { get; set; } = "Pharos <noreply@pharos.local>";
    public SmtpOptions Smtp { get; set; } = new();
    /// <summary>
    /// Used when <c>Smtp:Host</c> is empty, so the demo delivers without a mail server: one .eml file per mail.
    /// Relative paths are under the data directory; empty means <c>{DataDirectory}/outbox</c>.
    /// </summary>
    public string? PickupFolder { get; set; }

    internal bool UsesSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);

    /// <summary>Addresses without a domain are MimeKit's lenient default; a sender or recipient needs one.</summary>
    internal static readonly ParserOptions StrictAddresses = new() { AllowAddressesWithoutDomain = false };

    internal static bool TryParseMailbox(string? text, [NotNullWhen(true)] out MailboxAddress? mailbox)
    {
        mailbox = null;
        return !string.IsNullOrWhiteSpace(text)
            && MailboxAddress.TryParse(StrictAddresses, text, out mailbox)
            && !string.IsNullOrEmpty(mailbox.Domain);
    }
}

internal sealed class MailOptionsValidator : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        var errors = new List<string>();
        if (!MailOptions.TryParseMailbox(options.From, out _))
            errors.Add($"{MailOptions.Section}:From \"{options.From}\" is not a mailbox address; use a form such as \"Pharos <noreply@example.com>\".");
        if (options.UsesSmtp)
        {
            if (options.Smtp.Port is < 1 or > 65535)
                errors.Add($"{MailOptions.Section}:Smtp:Port {options.Smtp.Port} is not a TCP port (1–65535).");
            if (options.Smtp.Timeout <= TimeSpan.Zero || options.Smtp.Timeout.TotalMilliseconds > int.MaxValue)
                errors.Add($"{MailOptions.Section}:Smtp:Timeout {options.Smtp.Timeout} must be positive (for example 00:00:30).");
            if (!Enum.IsDefined(options.Smtp.Security))
                errors.Add($"{MailOptions.Section}:Smtp:Security must be None, StartTls, SslOnConnect or Auto.");
        }
        else if (string.IsNullOrWhiteSpace(options.PickupFolder))
        {
            errors.Add($"{MailOptions.Section}:PickupFolder is empty and {MailOptions.Section}:Smtp:Host is not set: mail has nowhere to go.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
