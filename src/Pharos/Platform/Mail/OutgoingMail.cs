namespace Pharos.Platform.Mail;

/// <summary>One mail to one recipient; <paramref name="HtmlBody"/> adds an HTML alternative to the text.</summary>
public sealed record OutgoingMail(string To, string ToName, string Subject, string TextBody, string? HtmlBody)
{
    /// <summary>
    /// The Message-Id without angle brackets (<c>local@domain</c>). An outbox passes the same id on every retry so
    /// that a mail delivered twice (the server accepted it, but we failed before recording that) is recognisable as
    /// one; null means a new id per send.
    /// </summary>
    public string? MessageId { get; init; }
}
