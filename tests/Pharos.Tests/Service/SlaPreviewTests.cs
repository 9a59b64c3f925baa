using System.Net;
using System.Text.Json;
using Pharos.Platform.Identity;
using Pharos.Service.Sla;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>POST /api/service/sla/preview: the admin's check of a calendar and targets.</summary>
public abstract class SlaPreviewTests(DemoBook app)
{
    private const string Calendar = """
        "calendar": {
          "timeZone": "Asia/Shanghai",
          "periods": [
            {"day":"Monday","start":"09:00:00","end":"18:00:00"}, {"day":"Tuesday","start":"09:00:00","end":"18:00:00"},
            {"day":"Wednesday","start":"09:00:00","end":"18:00:00"}, {"day":"Thursday","start":"09:00:00","end":"18:00:00"},
            {"day":"Friday","start":"09:00:00","end":"18:00:00"}],
          "holidays": ["2026-10-01","2026-10-02","2026-10-05","2026-10-06","2026-10-07"]
        }
        """;

    [DbFact]
    public async Task A_P1_opened_on_the_eve_of_a_holiday_is_due_after_it_with_pauses_counted()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var body = "{" + Calendar + """
            , "targets": {"firstResponseMinutes": 30, "resolutionMinutes": 240},
              "start": "2026-09-30T17:55:00+08:00",
              "pauses": [{"from": "2026-10-08T09:00:00+08:00", "until": "2026-10-08T10:00:00+08:00"}]
            }
            """;

        var result = await (await ops.PostRawJsonAsync("/api/service/sla/preview", body)).ReadAsync<SlaPreviewResult>();

        Assert.Equal(DateTimeOffset.Parse("2026-10-08T10:25+08:00"), result.FirstResponseDue);
        Assert.Equal(TimeSpan.FromHours(8), result.FirstResponseDue!.Value.Offset);
        Assert.Equal(DateTimeOffset.Parse("2026-10-08T13:55+08:00"), result.ResolutionDue);
        Assert.Null(result.NextResponseDue);
        Assert.Equal(TimeSpan.FromHours(1), result.PausedWorkingTime);
    }

    [DbTheory]
    [InlineData("""{"calendarId":"00000000-0000-0000-0000-000000000001","targets":{"firstResponseMinutes":30},"start":"2026-11-24T09:00:00+08:00"}""", "calendarId")]
    [InlineData("""{"tier":"S","start":"2026-11-24T09:00:00+08:00"}""", "priority")]
    [InlineData("""{"calendar":{"timeZone":"Mars/Olympus","alwaysOpen":true},"targets":{"firstResponseMinutes":30},"start":"2026-11-24T09:00:00+08:00"}""", "timeZone")]
    [InlineData("""{"calendar":{"timeZone":"Asia/Shanghai"},"targets":{"firstResponseMinutes":30},"start":"2026-11-24T09:00:00+08:00"}""", "periods")]
    [InlineData("""{"calendar":{"alwaysOpen":true},"targets":{},"start":"2026-11-24T09:00:00+08:00"}""", "targets")]
    [InlineData("""{"calendar":{"alwaysOpen":true},"targets":{"firstResponseMinutes":-5},"start":"2026-11-24T09:00:00+08:00"}""", "firstResponseMinutes")]
    [InlineData("""{"calendar":{"alwaysOpen":true},"targets":{"firstResponseMinutes":30}}""", "start")]
    [InlineData("""{"calendar":{"alwaysOpen":true},"targets":{"firstResponseMinutes":30},"start":"2026-11-24T09:00:00+08:00","pauses":[{"from":"2026-11-24T10:00:00+08:00"}]}""", "pauses[0].until")]
    public async Task Bad_previews_are_refused_naming_the_field(string body, string field)
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        await (await ops.PostRawJsonAsync("/api/service/sla/preview", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [DbFact]
    public async Task Targets_come_from_the_policy_matrix_by_tier_priority_and_kind()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        // Demo matrix: S × urgent runs 7×24 with a 15-minute first response; a production problem (bug) gets 10.
        var start = "\"start\":\"2026-11-28T10:00:00+08:00\"";
        var any = await (await ops.PostRawJsonAsync("/api/service/sla/preview", "{\"tier\":\"S\",\"priority\":\"Urgent\"," + start + "}")).ReadAsync<SlaPreviewResult>();
        var bug = await (await ops.PostRawJsonAsync("/api/service/sla/preview", "{\"tier\":\"S\",\"priority\":\"Urgent\",\"kind\":\"ProductionProblem\"," + start + "}")).ReadAsync<SlaPreviewResult>();
        var low = await (await ops.PostRawJsonAsync("/api/service/sla/preview", "{\"tier\":\"C\",\"priority\":\"Low\"," + start + "}")).ReadAsync<SlaPreviewResult>();

        Assert.Equal(DateTimeOffset.Parse("2026-11-28T10:15+08:00"), any.FirstResponseDue);
        Assert.Equal(DateTimeOffset.Parse("2026-11-28T10:10+08:00"), bug.FirstResponseDue);
        // C × low follows the working-day calendar: a Saturday ticket waits for Monday; 960 minutes = two working days.
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T18:00+08:00"), low.FirstResponseDue);
    }

    [DbFact]
    public async Task Without_a_calendar_the_default_one_is_used()
    {
        var ops = await app.ClientForRoleAsync(Roles.Operations);
        var result = await (await ops.PostRawJsonAsync("/api/service/sla/preview",
            """{"targets":{"firstResponseMinutes":60},"start":"2026-11-27T17:55:00+08:00"}""")).ReadAsync<SlaPreviewResult>();
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T09:55+08:00"), result.FirstResponseDue);
        Assert.Equal("Asia/Shanghai", result.TimeZone);
    }

    [DbFact]
    public async Task Only_service_admins_may_preview()
    {
        var support = await app.ClientForRoleAsync(Roles.Support);
        var body = JsonSerializer.Serialize(new { calendar = new { alwaysOpen = true }, targets = new { firstResponseMinutes = 30 }, start = DateTimeOffset.Parse("2026-11-24T09:00:00+08:00") });
        await (await support.PostRawJsonAsync("/api/service/sla/preview", body)).ExpectAsync(HttpStatusCode.Forbidden);
        await (await app.Anonymous().PostRawJsonAsync("/api/service/sla/preview", body)).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : SlaPreviewTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : SlaPreviewTests(app), IPostgresSuite;
}
