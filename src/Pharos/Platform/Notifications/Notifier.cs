using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Localization;

namespace Pharos.Platform.Notifications;

/// <summary>A message whose title is a localizable template, filled in each recipient's own language.</summary>
public sealed record Notice(string TitleTemplate, object?[] TitleArgs, string Body, string Link);

/// <summary>
/// Tells users about something: a notice in the app and a mail in the outbox, both added to the caller's unit of
/// work so they commit (or not) with the change they report.
/// </summary>
public sealed class Notifier(PharosDb db, TimeProvider time, IStringLocalizer<SharedResource> text, Microsoft.Extensions.Options.IOptions<NotifierOptions> options)
{
    public async Task NotifyAsync(IEnumerable<Guid> userIds, Notice notice, CancellationToken ct)
    {
        var ids = userIds.Distinct().ToList();
        if (ids.Count == 0) return;
        var now = time.GetUtcNow();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.Email, u.DisplayName, u.Culture, u.Kind }).ToListAsync(ct);
        foreach (var u in users)
        {
            var title = Localize(notice, u.Culture);
            db.Add(new Notification { UserId = u.Id, At = now, Title = title, Body = Clip(notice.Body, 2000), Link = notice.Link });
            if (string.IsNullOrWhiteSpace(u.Email)) continue;
            var url = options.Value.PublicUrl.TrimEnd('/') + notice.Link;
            db.Add(new OutboxMail
            {
                CreatedAt = now, NextAttemptAt = now, To = u.Email, ToName = u.DisplayName, Subject = Clip(title, 300),
                TextBody = $"{notice.Body}\n\n{url}\n",
            });
        }
    }

    private string Localize(Notice notice, string? culture)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture ?? LocalizationSetup.Cultures[0]);
            var args = notice.TitleArgs.Select(a => a is Enum e ? text[$"{e.GetType().Name}.{e}"].Value : a).ToArray();
            return string.Format(CultureInfo.CurrentCulture, text[notice.TitleTemplate], args);
        }
        finally { CultureInfo.CurrentUICulture = previous; }
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

public sealed class NotifierOptions
{
    public const string Section = "Pharos";
    /// <summary>The address people open Pharos at, for links in mails.</summary>
    public string PublicUrl { get; set; } = "http://localhost:5080";
}
