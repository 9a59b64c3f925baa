namespace Pharos.Customers.ImportExport;

/// <summary>
/// Column names accepted in import files: the English key (used by export) and the Chinese header people type.
/// Export writes the English keys, so an exported file imports back unchanged.
/// </summary>
public static class CsvColumns
{
    public static readonly IReadOnlyDictionary<string, string[]> Accounts = new Dictionary<string, string[]>
    {
        ["name"] = ["名称", "客户名称", "企业名称"],
        ["external_id"] = ["外部编号", "客户编号"],
        ["industry"] = ["行业"],
        ["region"] = ["区域", "大区"],
        ["city"] = ["城市"],
        ["employees"] = ["员工数", "人数"],
        ["branch_count"] = ["门店数", "分支数", "分支机构数"],
        ["stage"] = ["生命周期", "阶段"],
        ["channel"] = ["渠道", "来源渠道"],
        ["annual_contract_value"] = ["年合同额", "年度合同金额", "ACV"],
        ["currency"] = ["币种"],
        ["strategic"] = ["战略客户"],
        ["influence"] = ["行业影响力", "影响力"],
        ["tier"] = ["等级", "客户等级"],
        ["owner"] = ["负责人"],
    };
    public static readonly string[] AccountsRequired = ["name", "industry", "region"];

    public static readonly IReadOnlyDictionary<string, string[]> Contacts = new Dictionary<string, string[]>
    {
        ["account_external_id"] = ["客户编号", "外部编号"],
        ["account_name"] = ["客户名称", "企业名称"],
        ["name"] = ["姓名", "联系人"],
        ["title"] = ["职位", "职务"],
        ["email"] = ["邮箱", "电子邮件"],
        ["phone"] = ["电话", "手机"],
        ["role"] = ["角色"],
        ["primary"] = ["主要联系人"],
    };
    public static readonly string[] ContactsRequired = ["name"];

    /// <summary>Maps each header cell to its English key, or null when the header is unknown.</summary>
    public static string?[] Resolve(IReadOnlyDictionary<string, string[]> columns, string[] header) =>
        header.Select(h =>
        {
            var t = h.Trim().TrimStart('\uFEFF');
            foreach (var (key, aliases) in columns)
                if (string.Equals(key, t, StringComparison.OrdinalIgnoreCase) || aliases.Contains(t)) return key;
            return null;
        }).ToArray();
}
