using System.Globalization;
using Microsoft.Extensions.Localization;
using Pharos.Analytics.Funnels;
using Pharos.Platform.Localization;

namespace Pharos.Analytics.Queries;

/// <summary>How the analytics pages write numbers, durations and the engines' special labels.</summary>
public static class QueryFormat
{
    /// <summary>"2 小时 41 分": the two largest units, as people say a wait; never "0.11 days".</summary>
    public static string Duration(this IStringLocalizer<SharedResource> l, double? seconds)
    {
        if (seconds is not { } s || double.IsNaN(s)) return "–";
        var t = TimeSpan.FromSeconds(Math.Round(s));
        var c = CultureInfo.CurrentCulture;
        return t.TotalMinutes < 1 ? string.Format(c, l["{0} s"], t.Seconds)
            : t.TotalHours < 1 ? string.Format(c, l["{0} min {1} s"], t.Minutes, t.Seconds)
            : t.TotalDays < 1 ? string.Format(c, l["{0} h {1} min"], t.Hours, t.Minutes)
            : string.Format(c, l["{0} d {1} h"], (int)t.TotalDays, t.Hours);
    }

    public static string Percent(double? percent, string format = "0.#") =>
        percent is { } p ? p.ToString(format, CultureInfo.CurrentCulture) + "%" : "–";

    public static string Number(long n) => n.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>The engines' "(none)" and "(other)" in the reader's language; other values as they are.</summary>
    public static string Label(this IStringLocalizer<SharedResource> l, string? value) => value switch
    {
        null => l["Total"],
        BreakdownLabels.None => l["(none)"],
        BreakdownLabels.Other => l["(other)"],
        Website.WebsiteFunnel.Direct => l["(direct)"],
        "" => l["(empty)"],
        _ => value,
    };

    /// <summary>Event names as people read them: page views and screens by their meaning, track events by name.</summary>
    public static string EventLabel(this IStringLocalizer<SharedResource> l, string? name) => name switch
    {
        Store.EventMatcher.PageView => l["Page view"],
        Store.EventMatcher.Screen => l["Screen view"],
        null or "" => l["(choose an event)"],
        _ => name,
    };
}
