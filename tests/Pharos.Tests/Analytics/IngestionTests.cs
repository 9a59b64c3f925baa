using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pharos.Analytics.Store;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Analytics;

/// <summary>Segment's HTTP Tracking API: what is accepted, what is refused and why, and that a retry is stored once.</summary>
public abstract class IngestionTests(PharosApp app)
{
    [DbFact]
    public async Task A_track_call_with_the_write_key_as_basic_user_is_stored_and_answered_success()
    {
        var s = await Segment.CreateAsync(app);
        var user = Http.Unique("u");
        var response = await s.PostAsync("/v1/track", Segment.Track(user, "Report Exported", new { format = "csv" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"success":true}""", await response.Content.ReadAsStringAsync());
        var rows = await s.RowsAsync("Report Exported", [new PropertyFilter("format", FilterOp.Equals, "csv")]);
        Assert.Contains(rows, r => r.Person == user);
    }

    [DbFact]
    public async Task The_write_key_may_come_in_the_body_instead()
    {
        var s = await Segment.CreateAsync(app);
        var user = Http.Unique("u");
        var body = JsonSerializer.Serialize(new { writeKey = s.WriteKey, batch = new[] { Segment.Track(user, "Signed In") } });
        var response = await app.Anonymous().PostAsync("/v1/batch", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(await s.RowsAsync("Signed In"), r => r.Person == user);
    }

    [DbFact]
    public async Task Unknown_missing_and_revoked_keys_get_401_and_nothing_is_stored()
    {
        var s = await Segment.CreateAsync(app);
        var user = Http.Unique("u");
        var anonymous = app.Anonymous();
        var noKey = await anonymous.PostAsync("/v1/track", new StringContent(JsonSerializer.Serialize(Segment.Track(user, "X")), Encoding.UTF8, "application/json"));
        await noKey.ExpectProblemAsync(HttpStatusCode.Unauthorized);
        var wrong = new Segment(app, s.Source with { WriteKey = "wk_made-up" });
        await (await wrong.PostAsync("/v1/track", Segment.Track(user, "X"))).ExpectProblemAsync(HttpStatusCode.Unauthorized);

        var admin = await app.ClientForRoleAsync(Roles.Admin);
        await (await admin.PostAsync($"/api/analytics/sources/{s.Source.Id}/revoke", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await s.PostAsync("/v1/track", Segment.Track(user, "X"))).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(await s.RowsAsync("X"), r => r.Person == user);
        var audit = await admin.GetStringAsync($"/api/audit?entityType=EventSource&pageSize=50");
        Assert.Contains("Revoked", audit);
    }

    [DbFact]
    public async Task A_write_key_reads_nothing()
    {
        var s = await Segment.CreateAsync(app);
        foreach (var url in new[] { "/api/analytics/events", "/api/analytics/sources", "/api/accounts", "/api/tickets" })
        {
            var response = await s.Client().GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{url}: {response.StatusCode}");
        }
        var get = await s.Client().GetAsync("/v1/batch");
        Assert.True(get.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, get.StatusCode.ToString());
    }

    [DbFact]
    public async Task Bad_events_are_refused_naming_the_field_and_the_batch_index_and_none_of_the_batch_is_kept()
    {
        var s = await Segment.CreateAsync(app);
        var good = Http.Unique("good");
        var noUser = new Dictionary<string, object?> { ["type"] = "track", ["event"] = "X", ["messageId"] = Guid.NewGuid().ToString() };
        var problem = await (await s.BatchAsync(Segment.Track(good, "Kept?"), Segment.Track(good, "Kept?"), noUser)).ExpectProblemAsync(HttpStatusCode.BadRequest, "batch[2].userId");
        Assert.Contains("none of this request was stored", problem.GetProperty("title").GetString());
        Assert.DoesNotContain(await s.RowsAsync("Kept?"), r => r.Person == good);

        var noEvent = new Dictionary<string, object?> { ["type"] = "track", ["userId"] = good };
        await (await s.BatchAsync(noEvent)).ExpectProblemAsync(HttpStatusCode.BadRequest, "batch[0].event");
        var badType = new Dictionary<string, object?> { ["type"] = "purchase", ["userId"] = good };
        await (await s.BatchAsync(badType)).ExpectProblemAsync(HttpStatusCode.BadRequest, "batch[0].type");
        var badTime = Segment.Track(good, "X");
        badTime["timestamp"] = "yesterday";
        await (await s.BatchAsync(badTime)).ExpectProblemAsync(HttpStatusCode.BadRequest, "batch[0].timestamp");
        var badProps = Segment.Track(good, "X");
        badProps["properties"] = "not an object";
        await (await s.BatchAsync(badProps)).ExpectProblemAsync(HttpStatusCode.BadRequest, "batch[0].properties");
        await (await s.PostAsync("/v1/group", new { userId = good })).ExpectProblemAsync(HttpStatusCode.BadRequest, "groupId");
        await (await s.PostAsync("/v1/alias", new { userId = good })).ExpectProblemAsync(HttpStatusCode.BadRequest, "previousId");
        await (await s.PostAsync("/v1/batch", "{\"batch\": [ {\"type\": ")).ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await s.PostAsync("/v1/batch", "{}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "batch");
        var nul = Segment.Track(good, "X", new { note = "a\u0000b" });
        await (await s.BatchAsync(nul)).ExpectProblemAsync(HttpStatusCode.BadRequest, "batch[0]");
    }

    [DbFact]
    public async Task Size_limits_answer_with_the_limit_named()
    {
        var s = await Segment.CreateAsync(app);
        var user = Http.Unique("u");
        var many = Enumerable.Range(0, 2501).Select(_ => (object)new Dictionary<string, object?> { ["type"] = "track", ["userId"] = user, ["event"] = "E" }).ToArray();
        var tooMany = await (await s.BatchAsync(many)).ExpectProblemAsync(HttpStatusCode.BadRequest, "batch");
        Assert.Contains("2500", tooMany.GetRawText());

        var big = new string('x', 33 * 1024);
        var bigEvent = await (await s.BatchAsync(Segment.Track(user, "E"), Segment.Track(user, "E", new { big }))).ExpectProblemAsync(HttpStatusCode.BadRequest, "batch[1]");
        Assert.Contains("32 KB", bigEvent.GetRawText());

        var single = await (await s.PostAsync("/v1/track", Segment.Track(user, "E", new { big }))).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("32 KB", single.GetRawText());

        var huge = Enumerable.Range(0, 20).Select(_ => (object)Segment.Track(user, "E", new { big = new string('y', 30 * 1024) })).ToArray();
        var request = await (await s.BatchAsync(huge)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("500 KB", request.GetRawText());
        Assert.Empty(await s.RowsAsync("E"));
    }

    [DbFact]
    public async Task The_stored_time_corrects_the_device_clock_by_sent_at_and_defaults_to_the_received_time()
    {
        var s = await Segment.CreateAsync(app);
        var user = Http.Unique("u");
        // The device's clock is two hours fast: it says it sent at 12:00 an event it made at 11:59.
        var skewed = Segment.Track(user, "Skewed", at: DateTimeOffset.Parse("2026-01-01T11:59:00Z"));
        skewed["sentAt"] = "2026-01-01T12:00:00Z";
        var untimed = Segment.Track(user, "Untimed");
        untimed.Remove("timestamp");
        var before = DateTimeOffset.UtcNow;
        await (await s.PostAsync("/v1/batch", new { batch = new[] { skewed, untimed } })).ExpectAsync(HttpStatusCode.OK);
        var after = DateTimeOffset.UtcNow;

        var skewedAt = DateTimeOffset.UnixEpoch.AddTicks((await s.RowsAsync("Skewed")).Single().TimestampMicros * 10);
        Assert.InRange(skewedAt, before.AddMinutes(-1).AddSeconds(-1), after.AddMinutes(-1).AddSeconds(1));
        var untimedAt = DateTimeOffset.UnixEpoch.AddTicks((await s.RowsAsync("Untimed")).Single().TimestampMicros * 10);
        Assert.InRange(untimedAt, before.AddSeconds(-1), after.AddSeconds(1));
    }

    [DbFact]
    public async Task A_retried_batch_is_stored_once_and_duplicates_within_a_batch_too()
    {
        var s = await Segment.CreateAsync(app);
        var user = Http.Unique("u");
        var events = Enumerable.Range(0, 50).Select(i => (object)Segment.Track(user, "Retried", new { i })).ToArray();
        await (await s.BatchAsync(events)).ExpectAsync(HttpStatusCode.OK);
        await (await s.BatchAsync(events)).ExpectAsync(HttpStatusCode.OK);
        await (await s.BatchAsync(events[0], events[0], events[1])).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(50, (await s.RowsAsync("Retried")).Count(r => r.Person == user));

        // The same messageId from another source is another event.
        var other = await Segment.CreateAsync(app);
        await (await other.BatchAsync(events[0])).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(51, (await s.RowsAsync("Retried")).Count(r => r.Person == user));
    }

    [DbFact]
    public async Task Analytics_js_short_paths_as_text_plain_and_its_cors_preflight_are_accepted()
    {
        var s = await Segment.CreateAsync(app);
        var anon = Http.Unique("anon");
        var page = new { anonymousId = anon, name = "定价", properties = new { path = "/pricing", url = "https://example.cn/pricing" }, writeKey = s.WriteKey };
        var response = await app.Anonymous().PostAsync("/v1/p", new StringContent(JsonSerializer.Serialize(page), Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = await s.RowsAsync(EventMatcher.PageView);
        Assert.Contains(rows, r => r.Person == anon && r.Label == "/pricing");

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/t");
        preflight.Headers.Add("Origin", "https://www.customer.example.cn");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-retry-count");
        var cors = await app.Anonymous().SendAsync(preflight);
        Assert.True(cors.IsSuccessStatusCode, cors.StatusCode.ToString());
        Assert.Equal("*", cors.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", string.Join(',', cors.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    [DbFact]
    public async Task Hostile_property_names_and_values_are_data_in_storage_and_in_filters()
    {
        var s = await Segment.CreateAsync(app);
        var user = Http.Unique("u");
        var names = new[] { "it's", "a\"b", "x'; DROP TABLE events; --", "路径/子项~0", "$.weird[0]", "😀" };
        var longValue = string.Concat(Enumerable.Repeat("长值'\";--", 1000));
        var props = names.ToDictionary(n => n, n => (object)(n + "=值"));
        props["long"] = longValue;
        await (await s.BatchAsync(Segment.Track(user, "Hostile", props))).ExpectAsync(HttpStatusCode.OK);
        foreach (var n in names)
        {
            var rows = await s.RowsAsync("Hostile", [new PropertyFilter(n, FilterOp.Equals, n + "=值")]);
            Assert.Single(rows);
            Assert.Empty(await s.RowsAsync("Hostile", [new PropertyFilter(n, FilterOp.Equals, "' OR '1'='1")]));
        }
        Assert.Single(await s.RowsAsync("Hostile", [new PropertyFilter("long", FilterOp.Equals, longValue)]));
        Assert.Single(await s.RowsAsync("Hostile", [new PropertyFilter("long", FilterOp.Contains, "'\";--")]));
        Assert.Single(await s.RowsAsync("Hostile", [new PropertyFilter("x'; DROP TABLE events; --", FilterOp.IsSet)]));
        Assert.True(await s.Store.CountAsync(CancellationToken.None) > 0);
    }

    [DbFact]
    public async Task Events_sent_before_the_account_existed_count_for_it_once_it_does()
    {
        var s = await Segment.CreateAsync(app);
        var user = Http.Unique("u");
        var external = Http.Unique("CRM");
        await (await s.BatchAsync(Segment.Track(user, "Early Feature"), Segment.Group(user, external))).ExpectAsync(HttpStatusCode.OK);
        var before = await s.RowsAsync("Early Feature", accounts: [new AccountFilter(AccountField.Tier, ["C"])]);
        Assert.DoesNotContain(before, r => r.Person == user);

        var admin = await app.ClientForRoleAsync(Roles.Admin);
        await (await admin.PostJsonAsync("/api/accounts", new { name = Http.Unique("晚到的客户"), externalId = external, industry = "制造", region = "华东" })).ExpectAsync(HttpStatusCode.Created);
        await app.Services.GetRequiredService<AccountDimensions>().EnsureSyncedAsync(CancellationToken.None, force: true);
        var after = await s.RowsAsync("Early Feature", accounts: [new AccountFilter(AccountField.Region, ["华东"])]);
        var row = Assert.Single(after, r => r.Person == user);
        Assert.Equal(external, row.Account);
    }

    [DbFact]
    public async Task An_admin_erases_a_person_and_it_is_audited_other_roles_cannot()
    {
        var s = await Segment.CreateAsync(app);
        var user = Http.Unique("u");
        var anon = Http.Unique("anon");
        var identify = new Dictionary<string, object?> { ["type"] = "identify", ["userId"] = user, ["anonymousId"] = anon, ["traits"] = new { email = "x@example.cn" } };
        var before = new Dictionary<string, object?> { ["type"] = "page", ["anonymousId"] = anon, ["properties"] = new { path = "/" } };
        await (await s.BatchAsync(before, identify, Segment.Track(user, "Erase Me"), Segment.Track(Http.Unique("other"), "Erase Me"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(await s.RowsAsync(Pharos.Analytics.Store.EventMatcher.PageView), r => r.Person == user);

        var analyst = await app.ClientForRoleAsync(Roles.Analyst);
        await (await analyst.PostJsonAsync("/api/analytics/erasures", new { person = user })).ExpectAsync(HttpStatusCode.Forbidden);
        var admin = await app.ClientForRoleAsync(Roles.Admin);
        await (await admin.PostJsonAsync("/api/analytics/erasures", new { person = user, accountId = Guid.Empty })).ExpectProblemAsync(HttpStatusCode.BadRequest, "person");
        var result = await (await admin.PostJsonAsync("/api/analytics/erasures", new { person = user })).ReadAsync<JsonElement>();
        Assert.Equal(3, result.GetProperty("deleted").GetInt64());
        Assert.DoesNotContain(await s.RowsAsync("Erase Me"), r => r.Person == user);
        Assert.Single(await s.RowsAsync("Erase Me"));
        Assert.DoesNotContain(await s.RowsAsync(Pharos.Analytics.Store.EventMatcher.PageView), r => r.Person == user || r.Person == anon);
        Assert.Contains(user, await admin.GetStringAsync("/api/audit?entityType=EventErasure&pageSize=50"));
    }

    public sealed class Sqlite(EmptyBookOnSqlite app) : IngestionTests(app), IClassFixture<EmptyBookOnSqlite>;
    public sealed class Postgres(EmptyBookOnPostgres app) : IngestionTests(app), IClassFixture<EmptyBookOnPostgres>, IPostgresSuite;
}
