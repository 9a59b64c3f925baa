using System.Net;
using System.Text.Json;
using Pharos.Analytics.Usage;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Analytics;

/// <summary>Feature usage per account and the usage-decline signal, from events sent through the Segment API.</summary>
public abstract class UsageTests(PharosApp app)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private async Task<(Guid Id, string External)> AccountAsync(HttpClient admin, string name)
    {
        var external = Http.Unique("CRM");
        var created = await (await admin.PostJsonAsync("/api/accounts", new { name = Http.Unique(name), externalId = external, industry = "制造", region = "华东" })).ReadAsync<JsonElement>(HttpStatusCode.Created);
        return (created.GetProperty("id").GetGuid(), external);
    }

    /// <summary>Ten weeks of use: <paramref name="users"/> people a week, each exporting twice, ending last week; a fading account keeps one person for the last two weeks.</summary>
    private static List<object> Weeks(string external, int users, bool fades)
    {
        var events = new List<object>();
        var now = DateTimeOffset.UtcNow;
        for (var u = 0; u < users; u++) events.Add(Segment.Group($"{external}-u{u}", external, now.AddDays(-80)));
        for (var week = 10; week >= 1; week--)
        {
            var active = fades && week <= 2 ? 1 : users;
            for (var u = 0; u < active; u++)
            {
                var at = now.AddDays(-7 * week - 1);
                events.Add(Segment.Track($"{external}-u{u}", "Report Exported", new { format = "xlsx" }, at));
                events.Add(Segment.Track($"{external}-u{u}", "Report Exported", new { format = "csv" }, at.AddHours(1)));
                events.Add(Segment.Track($"{external}-u{u}", "Dashboard Viewed", null, at.AddHours(2)));
            }
        }
        return events;
    }

    [DbFact]
    public async Task A_fading_account_is_flagged_at_risk_with_its_reason_and_a_steady_one_is_not()
    {
        var s = await Segment.CreateAsync(app);
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        var steady = await AccountAsync(admin, "稳定客户");
        var fading = await AccountAsync(admin, "流失风险客户");
        await (await s.BatchAsync([.. Weeks(steady.External, 5, fades: false)])).ExpectAsync(HttpStatusCode.OK);
        await (await s.BatchAsync([.. Weeks(fading.External, 6, fades: true)])).ExpectAsync(HttpStatusCode.OK);

        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        var report = await (await analyst.GetAsync("/api/analytics/at-risk?drop=0.5")).ReadAsync<AtRiskReport>();
        var flagged = Assert.Single(report.Accounts, a => a.AccountId == fading.Id);
        var wau = Assert.Single(flagged.Reasons, r => r.Metric == UsageMetric.WeeklyActiveUsers);
        Assert.True(wau.Baseline >= 5.5 && wau.Recent <= 1.01, $"{wau}");
        Assert.Contains(flagged.Reasons, r => r.Metric == UsageMetric.KeyEvents);
        Assert.DoesNotContain(report.Accounts, a => a.AccountId == steady.Id);

        var usage = await (await analyst.GetAsync($"/api/analytics/accounts/{fading.Id}/usage")).ReadAsync<AccountUsageReport>();
        var export = Assert.Single(usage.Features, f => f.Feature == "Report Exported");
        Assert.Equal(6, export.Users);
        Assert.Equal(2 * (6 * 8 + 2), export.Events);
        Assert.NotNull(usage.Risk);
        Assert.Equal(12, usage.Activity.Count);
        Assert.Equal(1, usage.Activity[^2].Users);

        var support = await app.ClientForRoleAsync(Roles.Support);
        await (await support.GetAsync("/api/analytics/at-risk")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await analyst.GetAsync("/api/analytics/at-risk?drop=2")).ExpectProblemAsync(HttpStatusCode.BadRequest, "drop");
        await (await analyst.GetAsync($"/api/analytics/accounts/{Guid.CreateVersion7()}/usage")).ExpectAsync(HttpStatusCode.NotFound);
    }

    public sealed class Sqlite(EmptyBookOnSqlite app) : UsageTests(app), IClassFixture<EmptyBookOnSqlite>;
    public sealed class Postgres(EmptyBookOnPostgres app) : UsageTests(app), IClassFixture<EmptyBookOnPostgres>, IPostgresSuite;
}
