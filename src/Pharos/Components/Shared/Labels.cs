using System.Globalization;
using Microsoft.Extensions.Localization;
using Pharos.Platform.Localization;

namespace Pharos.Components.Shared;

/// <summary>Words for enum values and tier reason codes, in the reader's language (keys live in SharedResource.resx).</summary>
public static class Labels
{
    public static string Enum<T>(this IStringLocalizer<SharedResource> l, T value) where T : struct, System.Enum =>
        l[$"{typeof(T).Name}.{value}"];

    /// <summary>Turns codes such as <c>rev:A:62.5;strategic:A</c> (see TierEngine) into a sentence.</summary>
    public static string TierReason(this IStringLocalizer<SharedResource> l, string? codes)
    {
        if (string.IsNullOrWhiteSpace(codes)) return "";
        if (!codes.Contains(':', StringComparison.Ordinal) && !codes.StartsWith("overridden", StringComparison.Ordinal)) return codes; // an override's free-text reason
        var parts = codes.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(code =>
        {
            var p = code.Split(':');
            return p[0] switch
            {
                "rev" when p.Length == 3 => string.Format(CultureInfo.CurrentCulture, l["{0} by revenue share: accounts ranked above hold {1}% of revenue"], p[1], p[2]),
                "rev0" => l["No revenue yet"].Value,
                "churned" => l["Churned accounts are C"].Value,
                "strategic-leader" => string.Format(CultureInfo.CurrentCulture, l["Strategic and an industry leader: at least {0}"], p[1]),
                "strategic" => string.Format(CultureInfo.CurrentCulture, l["Strategic account: at least {0}"], p[1]),
                "leader" => string.Format(CultureInfo.CurrentCulture, l["Industry leader: at least {0}"], p[1]),
                "regional" => string.Format(CultureInfo.CurrentCulture, l["Regional influence: at least {0}"], p[1]),
                "branches" when p.Length == 3 => string.Format(CultureInfo.CurrentCulture, l["{1} branches: at least {0}"], p[1], p[2]),
                "overridden" => l["Rules changed while an override is in force"].Value,
                _ => code,
            };
        });
        return string.Join(l["; "], parts);
    }

    public static string Money(decimal value, string currency = "CNY") =>
        currency == "CNY" ? "¥" + value.ToString("#,0", CultureInfo.InvariantCulture) : $"{value.ToString("#,0", CultureInfo.InvariantCulture)} {currency}";

    /// <summary>Compact money for charts and cards: ¥1.2亿 / ¥35万 in Chinese, ¥120M / ¥350K in English.</summary>
    public static string MoneyShort(decimal value)
    {
        var zh = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);
        if (zh)
        {
            if (value >= 100_000_000m) return $"¥{value / 100_000_000m:0.##}亿";
            if (value >= 10_000m) return $"¥{value / 10_000m:0.#}万";
        }
        else
        {
            if (value >= 1_000_000m) return $"¥{value / 1_000_000m:0.##}M";
            if (value >= 1_000m) return $"¥{value / 1_000m:0.#}K";
        }
        return Money(value);
    }

    public static MudBlazor.Color TierColor(Customers.Public.Tier tier) => tier switch
    {
        Customers.Public.Tier.S => MudBlazor.Color.Error,
        Customers.Public.Tier.A => MudBlazor.Color.Warning,
        Customers.Public.Tier.B => MudBlazor.Color.Info,
        _ => MudBlazor.Color.Default,
    };
}
