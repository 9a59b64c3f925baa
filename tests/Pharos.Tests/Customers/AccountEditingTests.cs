using System.Net;
using System.Text.Json;
using Pharos.Customers.Accounts;
using Pharos.Customers.Public;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>Creating and editing accounts, and the problem details that name the field at fault.</summary>
public abstract class AccountEditingTests(DemoBook app)
{
    private Task<HttpClient> Ops() => app.ClientForRoleAsync(Roles.Operations);

    private static AccountInput NewInput(string? name = null) => new()
    {
        Name = name ?? Http.Unique("杭州测试科技有限公司"), Industry = "互联网", Region = "华东", City = "杭州",
        Employees = 120, BranchCount = 3, Stage = LifecycleStage.New, Channel = LeadChannel.Referral,
    };

    private async Task<AccountDetail> CreateAsync(AccountInput input) =>
        await (await (await Ops()).PostJsonAsync("/api/accounts", input)).ReadAsync<AccountDetail>(HttpStatusCode.Created);

    [DbFact]
    public async Task Creating_an_account_answers_201_with_its_detail_location_and_audit()
    {
        var ops = await Ops();
        var input = NewInput();
        input.ExternalId = Http.Unique("CRM");

        var response = await ops.PostJsonAsync("/api/accounts", input);

        var created = await response.ReadAsync<AccountDetail>(HttpStatusCode.Created);
        Assert.Equal($"/api/accounts/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(input.Name, created.Name);
        Assert.Equal(input.ExternalId, created.ExternalId);
        Assert.Equal("杭州", created.City);
        Assert.Equal(LifecycleStage.New, created.Stage);
        Assert.Equal(Tier.C, created.Tier);
        Assert.Equal("rev0:C", created.TierReason);
        Assert.Contains(created.TierHistory, h => h.From is null && h.To == Tier.C);
        Assert.Contains(created.Audit, e => e.Action == "created" && e.UserName == "ops@pharos.demo");
        var read = await ops.GetAsync<AccountDetail>($"/api/accounts/{created.Id}");
        Assert.Equal(created.Name, read.Name);
    }

    [DbFact]
    public async Task Names_are_trimmed()
    {
        var name = Http.Unique("空格测试");
        var created = await CreateAsync(NewInput("  " + name + "  "));

        Assert.Equal(name, created.Name);
    }

    [DbFact]
    public async Task An_empty_name_is_a_problem_naming_name()
    {
        var ops = await Ops();

        await (await ops.PostJsonAsync("/api/accounts", NewInput(""))).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await ops.PostRawJsonAsync("/api/accounts", """{"industry":"制造","region":"华东"}""")).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
    }

    [DbFact]
    public async Task A_name_of_201_characters_is_a_problem_and_200_is_fine()
    {
        var ops = await Ops();
        var stem = Http.Unique("长");

        await (await ops.PostJsonAsync("/api/accounts", NewInput(stem.PadRight(201, '名')))).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
        var ok = await CreateAsync(NewInput(stem.PadRight(200, '名')));
        Assert.Equal(200, ok.Name.Length);
    }

    [DbFact]
    public async Task A_duplicate_name_is_a_409_naming_name()
    {
        var ops = await Ops();
        var first = await CreateAsync(NewInput());

        var problem = await (await ops.PostJsonAsync("/api/accounts", NewInput(first.Name))).ExpectProblemAsync(HttpStatusCode.Conflict, "name");

        Assert.Contains(first.Name, problem.GetProperty("errors").GetProperty("name")[0].GetString());
    }

    [DbFact]
    public async Task A_duplicate_external_id_is_a_409_naming_externalId()
    {
        var ops = await Ops();
        var input = NewInput();
        input.ExternalId = Http.Unique("CRM");
        await CreateAsync(input);

        var second = NewInput();
        second.ExternalId = input.ExternalId;
        await (await ops.PostJsonAsync("/api/accounts", second)).ExpectProblemAsync(HttpStatusCode.Conflict, "externalId");
    }

    [DbFact]
    public async Task A_negative_revenue_is_a_problem_naming_annualContractValue()
    {
        var input = NewInput();
        input.AnnualContractValue = -1m;

        await (await (await Ops()).PostJsonAsync("/api/accounts", input)).ExpectProblemAsync(HttpStatusCode.BadRequest, "annualContractValue");
    }

    [DbTheory]
    [InlineData("\"一百万\"")]
    [InlineData("\"12abc\"")]
    [InlineData("true")]
    [InlineData("[1]")]
    public async Task A_revenue_that_is_not_a_number_is_a_400_problem(string revenueJson)
    {
        var body = $$"""{"name":"{{Http.Unique("非数字")}}","industry":"制造","region":"华东","annualContractValue":{{revenueJson}}}""";

        await (await (await Ops()).PostRawJsonAsync("/api/accounts", body)).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [DbTheory]
    [InlineData("employees", "-5")]
    [InlineData("currency", "\"rmb\"")]
    [InlineData("externalId", "\"0123456789012345678901234567890123456789012345678901234567890123456789\"")]
    public async Task Other_bad_fields_are_problems_naming_them(string field, string json)
    {
        var body = $$"""{"name":"{{Http.Unique("字段")}}","industry":"制造","region":"华东","{{field}}":{{json}}}""";

        await (await (await Ops()).PostRawJsonAsync("/api/accounts", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [DbFact]
    public async Task An_unknown_stage_is_a_400_problem()
    {
        var body = $$"""{"name":"{{Http.Unique("阶段")}}","industry":"制造","region":"华东","stage":"Sleeping"}""";

        await (await (await Ops()).PostRawJsonAsync("/api/accounts", body)).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [DbFact]
    public async Task An_owner_who_is_no_staff_user_is_a_problem_naming_ownerId()
    {
        var input = NewInput();
        input.OwnerId = Guid.NewGuid();

        await (await (await Ops()).PostJsonAsync("/api/accounts", input)).ExpectProblemAsync(HttpStatusCode.BadRequest, "ownerId");
    }

    [DbFact]
    public async Task Editing_changes_the_fields_bumps_the_version_and_audits_the_change()
    {
        var ops = await Ops();
        var created = await CreateAsync(NewInput());
        var input = NewInput(created.Name);
        input.Industry = "零售";
        input.City = "宁波";

        var updated = await (await ops.PutJsonAsync($"/api/accounts/{created.Id}", input)).ReadAsync<AccountDetail>();

        Assert.Equal("零售", updated.Industry);
        Assert.Equal("宁波", updated.City);
        Assert.Equal(created.Version + 1, updated.Version);
        var audit = Assert.Single(updated.Audit, e => e.Action == "updated");
        var changes = JsonDocument.Parse(audit.Changes!).RootElement;
        Assert.Equal("互联网", changes.GetProperty("Industry")[0].GetString());
        Assert.Equal("零售", changes.GetProperty("Industry")[1].GetString());
    }

    [DbFact]
    public async Task Editing_with_a_stale_version_is_a_409_and_changes_nothing()
    {
        var ops = await Ops();
        var created = await CreateAsync(NewInput());
        var input = NewInput(created.Name);
        input.Employees = 999;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/accounts/{created.Id}") { Content = System.Net.Http.Json.JsonContent.Create(input, options: Http.Json) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{created.Version + 7}\"");

        await (await ops.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(created.Employees, (await ops.GetAsync<AccountDetail>($"/api/accounts/{created.Id}")).Employees);
    }

    [DbFact]
    public async Task Renaming_to_another_accounts_name_is_a_409_naming_name()
    {
        var ops = await Ops();
        var a = await CreateAsync(NewInput());
        var b = await CreateAsync(NewInput());

        await (await ops.PutJsonAsync($"/api/accounts/{b.Id}", NewInput(a.Name))).ExpectProblemAsync(HttpStatusCode.Conflict, "name");
    }

    [DbFact]
    public async Task Editing_with_an_empty_name_is_a_problem_naming_name()
    {
        var created = await CreateAsync(NewInput());

        await (await (await Ops()).PutJsonAsync($"/api/accounts/{created.Id}", NewInput(" "))).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
    }

    [DbTheory]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Analyst)]
    [InlineData(Roles.ProductManager)]
    public async Task Roles_without_the_write_permission_cannot_create_or_edit_accounts(string role)
    {
        var created = await CreateAsync(NewInput());
        var client = await app.ClientForRoleAsync(role);
        var input = NewInput(created.Name);
        input.Employees = 1;

        await (await client.PutJsonAsync($"/api/accounts/{created.Id}", input)).ExpectAsync(HttpStatusCode.Forbidden);
        await (await client.PostJsonAsync("/api/accounts", NewInput())).ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Equal(created.Employees, (await client.GetAsync<AccountDetail>($"/api/accounts/{created.Id}")).Employees);
    }

    [DbFact]
    public async Task An_unknown_account_is_a_404_problem()
    {
        var ops = await Ops();
        var id = Guid.NewGuid();

        await (await ops.GetAsync($"/api/accounts/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await ops.PutJsonAsync($"/api/accounts/{id}", NewInput())).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await ops.GetAsync($"/api/accounts/{id}/contacts")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [DbFact]
    public async Task A_malformed_id_is_not_an_account()
    {
        await (await (await Ops()).GetAsync("/api/accounts/not-a-guid")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : AccountEditingTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : AccountEditingTests(app), IPostgresSuite;
}
