using System.Globalization;
using Pharos.Customers.Public;

namespace Pharos.Customers.ImportExport;

/// <summary>Cell parsing for imports: English enum names and the Chinese words people write in spreadsheets.</summary>
internal static class ImportValues
{
    private static readonly Dictionary<string, LifecycleStage> Stages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["潜在客户"] = LifecycleStage.Prospect, ["潜在"] = LifecycleStage.Prospect, ["新进客户"] = LifecycleStage.New, ["新客户"] = LifecycleStage.New,
        ["成熟客户"] = LifecycleStage.Mature, ["成熟"] = LifecycleStage.Mature, ["流失客户"] = LifecycleStage.Churned, ["流失"] = LifecycleStage.Churned,
    };
    private static readonly Dictionary<string, LeadChannel> Channels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["竞价"] = LeadChannel.PaidSearch, ["搜索竞价"] = LeadChannel.PaidSearch, ["关系"] = LeadChannel.Relationship, ["转介绍"] = LeadChannel.Referral,
        ["活动"] = LeadChannel.Event, ["会议活动"] = LeadChannel.Event, ["自然流量"] = LeadChannel.Inbound, ["官网"] = LeadChannel.Inbound, ["合作伙伴"] = LeadChannel.Partner,
    };
    private static readonly Dictionary<string, Influence> Influences = new(StringComparer.OrdinalIgnoreCase)
    {
        ["无"] = Influence.None, ["区域"] = Influence.Regional, ["区域影响力"] = Influence.Regional, ["行业龙头"] = Influence.IndustryLeader, ["龙头"] = Influence.IndustryLeader,
    };
    private static readonly Dictionary<string, ContactRole> ContactRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["决策者"] = ContactRole.DecisionMaker, ["管理员"] = ContactRole.Administrator, ["业务用户"] = ContactRole.BusinessUser,
    };

    public static bool TryEnum<T>(string? s, Dictionary<string, T> aliases, T fallback, out T value) where T : struct, Enum
    {
        value = fallback;
        if (string.IsNullOrWhiteSpace(s)) return true;
        s = s.Trim();
        if (aliases.TryGetValue(s, out value)) return true;
        return !int.TryParse(s, out _) && Enum.TryParse(s, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    public static bool TryStage(string? s, out LifecycleStage v) => TryEnum(s, Stages, LifecycleStage.New, out v);
    public static bool TryChannel(string? s, out LeadChannel v) => TryEnum(s, Channels, LeadChannel.Inbound, out v);
    public static bool TryInfluence(string? s, out Influence v) => TryEnum(s, Influences, Influence.None, out v);
    public static bool TryRole(string? s, out ContactRole v) => TryEnum(s, ContactRoles, ContactRole.BusinessUser, out v);

    public static bool TryBool(string? s, out bool v)
    {
        v = false;
        if (string.IsNullOrWhiteSpace(s)) return true;
        switch (s.Trim().ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "y" or "是": v = true; return true;
            case "0" or "false" or "no" or "n" or "否": return true;
            default: return false;
        }
    }

    public static bool TryInt(string? s, out int v)
    {
        v = 0;
        return string.IsNullOrWhiteSpace(s) || int.TryParse(s.Trim().Replace(",", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out v);
    }

    /// <summary>Amounts as people write them: "1,200,000", "¥1200000.50", "120万".</summary>
    public static bool TryMoney(string? s, out decimal v)
    {
        v = 0;
        if (string.IsNullOrWhiteSpace(s)) return true;
        var t = s.Trim().Replace(",", "").Replace("¥", "").Replace("￥", "").Trim();
        var factor = 1m;
        if (t.EndsWith('万')) { factor = 10_000m; t = t[..^1]; }
        else if (t.EndsWith('亿')) { factor = 100_000_000m; t = t[..^1]; }
        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d)) return false;
        v = d * factor;
        return true;
    }
}
