using System.Net;
using Pharos.Customers.Public;
using Pharos.Platform.Identity;
using Pharos.Service.Calendars;
using Pharos.Service.Policies;
using Pharos.Service.Public;
using Pharos.Service.Sla;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>Calendars and the policy matrix, configured through the API on an install without demo data.</summary>
public abstract class ServiceLevelsTests(EmptyBook app)
{
    private static CalendarInput Workdays(string name, bool isDefault = false) => new(name, BusinessCalendar.OfficeHours(), isDefault);

    [DbFact]
    public async Task Calendars_are_created_renamed_made_default_and_refused_when_bad()
    {
        var admin = await app.AdminAsync();
        var first = await (await admin.PostJsonAsync("/api/service/calendars", Workdays(Http.Unique("北京工作日")))).ReadAsync<CalendarRow>(HttpStatusCode.Created);
        var second = await (await admin.PostJsonAsync("/api/service/calendars", new CalendarInput(Http.Unique("7×24"), BusinessCalendar.SevenByTwentyFour(), true)))
            .ReadAsync<CalendarRow>(HttpStatusCode.Created);

        var all = await admin.GetAsync<List<CalendarRow>>("/api/service/calendars");
        Assert.Equal(second.Id, Assert.Single(all, c => c.IsDefault).Id);

        await (await admin.PostJsonAsync("/api/service/calendars", Workdays(first.Name))).ExpectProblemAsync(HttpStatusCode.Conflict, "name");
        await (await admin.PostJsonAsync("/api/service/calendars", Workdays(""))).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await admin.PostJsonAsync("/api/service/calendars", new CalendarInput("x", new BusinessCalendar { TimeZone = "Nowhere/Land", AlwaysOpen = true }, false)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "timeZone");
        await (await admin.PutJsonAsync($"/api/service/calendars/{Guid.NewGuid()}", Workdays("y"))).ExpectProblemAsync(HttpStatusCode.NotFound);

        var renamed = await (await admin.PutJsonAsync($"/api/service/calendars/{first.Id}", Workdays(first.Name + "-新", isDefault: true))).ReadAsync<CalendarRow>();
        Assert.True(renamed.IsDefault);
        Assert.False((await admin.GetAsync<CalendarRow>($"/api/service/calendars/{second.Id}")).IsDefault);
    }

    [DbFact]
    public async Task The_policy_matrix_is_replaced_whole_and_a_used_calendar_cannot_be_deleted()
    {
        var admin = await app.AdminAsync();
        var calendar = await (await admin.PostJsonAsync("/api/service/calendars", Workdays(Http.Unique("策略日历")))).ReadAsync<CalendarRow>(HttpStatusCode.Created);
        SlaPolicyRow[] matrix =
        [
            new(Tier.S, TicketPriority.Urgent, null, calendar.Id, 15, 30, 240),
            new(Tier.S, TicketPriority.Urgent, TicketKind.ProductionProblem, calendar.Id, 10, null, 120),
            new(Tier.C, TicketPriority.Low, null, calendar.Id, null, null, 4800),
        ];

        var saved = await (await admin.PutJsonAsync("/api/service/sla/policies", matrix)).ReadAsync<List<SlaPolicyRow>>();
        Assert.Equal(3, saved.Count);

        await (await admin.PutJsonAsync("/api/service/sla/policies", new[] { matrix[0], matrix[0] })).ExpectProblemAsync(HttpStatusCode.BadRequest, "[1]");
        await (await admin.PutJsonAsync("/api/service/sla/policies", new[] { matrix[0] with { CalendarId = Guid.NewGuid() } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "[0].calendarId");
        await (await admin.PutJsonAsync("/api/service/sla/policies", new[] { matrix[0] with { FirstResponseMinutes = 0 } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "[0].firstResponseMinutes");
        await (await admin.PutJsonAsync("/api/service/sla/policies", new[] { matrix[2] with { ResolutionMinutes = null } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "[0]");
        Assert.Equal(3, (await admin.GetAsync<List<SlaPolicyRow>>("/api/service/sla/policies")).Count); // refused writes left it whole

        await (await admin.DeleteAsync($"/api/service/calendars/{calendar.Id}")).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PutJsonAsync("/api/service/sla/policies", Array.Empty<SlaPolicyRow>())).ExpectAsync(HttpStatusCode.OK);
        // The calendar may be the default; another one takes that over before it can go.
        await (await admin.PostJsonAsync("/api/service/calendars", Workdays(Http.Unique("备用"), isDefault: true))).ExpectAsync(HttpStatusCode.Created);
        await (await admin.DeleteAsync($"/api/service/calendars/{calendar.Id}")).ExpectAsync(HttpStatusCode.NoContent);
    }

    [DbFact]
    public async Task Support_may_read_service_levels_but_not_change_them()
    {
        var support = await app.ClientForRoleAsync(Roles.Support);
        await (await support.GetAsync("/api/service/calendars")).ExpectAsync(HttpStatusCode.OK);
        await (await support.GetAsync("/api/service/sla/policies")).ExpectAsync(HttpStatusCode.OK);
        await (await support.PostJsonAsync("/api/service/calendars", Workdays("z"))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await support.PutJsonAsync("/api/service/sla/policies", Array.Empty<SlaPolicyRow>())).ExpectAsync(HttpStatusCode.Forbidden);
    }

    public sealed class Sqlite(EmptyBookOnSqlite app) : ServiceLevelsTests(app), IClassFixture<EmptyBookOnSqlite>;

    public sealed class Postgres(EmptyBookOnPostgres app) : ServiceLevelsTests(app), IClassFixture<EmptyBookOnPostgres>, IPostgresSuite;
}
