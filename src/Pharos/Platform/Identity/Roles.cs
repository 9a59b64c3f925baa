namespace Pharos.Platform.Identity;

public static class Roles
{
    public const string Admin = nameof(Admin);
    public const string Operations = nameof(Operations);
    public const string CustomerSuccess = nameof(CustomerSuccess);
    public const string Support = nameof(Support);
    public const string Sales = nameof(Sales);
    public const string ProductManager = nameof(ProductManager);
    public const string Analyst = nameof(Analyst);
    /// <summary>Customer portal users; they hold no staff permission.</summary>
    public const string Portal = nameof(Portal);

    public static readonly string[] Staff = [Admin, Operations, CustomerSuccess, Support, Sales, ProductManager, Analyst];
    public static readonly string[] All = [.. Staff, Portal];
}

/// <summary>
/// What each role may do. This table is the single source: policies are built from it,
/// the README's table is checked against it by a test.
/// </summary>
public static class Permissions
{
    public const string CustomersRead = "customers.read";
    public const string CustomersWrite = "customers.write";
    public const string TierOverride = "tiers.override";
    public const string TierRules = "tiers.rules";
    public const string Entitlements = "entitlements.manage";
    public const string Import = "customers.import";
    public const string Export = "customers.export";
    public const string UsersManage = "users.manage";
    public const string AuditRead = "audit.read";
    public const string ServiceAdmin = "service.admin";
    public const string TicketsRead = "tickets.read";
    public const string TicketsWork = "tickets.work";
    public const string ServiceReports = "service.reports";
    public const string AnalyticsRead = "analytics.read";
    public const string AnalyticsAdmin = "analytics.admin";

    public static readonly IReadOnlyDictionary<string, string[]> Matrix = new Dictionary<string, string[]>
    {
        [CustomersRead] = Roles.Staff,
        [CustomersWrite] = [Roles.Admin, Roles.Operations, Roles.CustomerSuccess, Roles.Sales],
        [TierOverride] = [Roles.Admin, Roles.Operations],
        [TierRules] = [Roles.Admin, Roles.Operations],
        [Entitlements] = [Roles.Admin, Roles.Operations],
        [Import] = [Roles.Admin, Roles.Operations],
        [Export] = [Roles.Admin, Roles.Operations, Roles.CustomerSuccess, Roles.Sales, Roles.Analyst],
        [UsersManage] = [Roles.Admin],
        [AuditRead] = [Roles.Admin, Roles.Operations],
        [ServiceAdmin] = [Roles.Admin, Roles.Operations],
        [TicketsRead] = Roles.Staff,
        [TicketsWork] = [Roles.Admin, Roles.Operations, Roles.CustomerSuccess, Roles.Support],
        [ServiceReports] = [Roles.Admin, Roles.Operations, Roles.CustomerSuccess, Roles.Support, Roles.ProductManager, Roles.Analyst],
        [AnalyticsRead] = [Roles.Admin, Roles.Operations, Roles.CustomerSuccess, Roles.Sales, Roles.ProductManager, Roles.Analyst],
        [AnalyticsAdmin] = [Roles.Admin],
    };

    public static bool Allows(string role, string permission) =>
        Matrix.TryGetValue(permission, out var roles) && roles.Contains(role);
}
