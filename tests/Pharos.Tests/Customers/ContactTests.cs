using System.Net;
using Pharos.Customers.Accounts;
using Pharos.Customers.Contacts;
using Pharos.Customers.Public;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>Contacts of an account: create, update, delete, and the problems that name the bad field.</summary>
public abstract class ContactTests(DemoBook app)
{
    public sealed record ContactJson(Guid Id, Guid AccountId, string Name, string? Title, string? Email, string? Phone, ContactRole Role, bool IsPrimary);

    private Task<HttpClient> Cs() => app.ClientForRoleAsync(Roles.CustomerSuccess);

    private async Task<AccountDetail> NewAccountAsync() =>
        await (await (await Cs()).PostJsonAsync("/api/accounts", new AccountInput { Name = Http.Unique("联系人测试有限公司"), Industry = "医疗", Region = "西南", City = "成都" }))
            .ReadAsync<AccountDetail>(HttpStatusCode.Created);

    private static ContactInput Zhang() => new() { Name = "张伟", Title = "IT经理", Email = "Zhang.Wei@Example.cn", Phone = "138 0000 0000", Role = ContactRole.Administrator, IsPrimary = true };

    [DbFact]
    public async Task Contacts_can_be_created_updated_and_deleted_with_an_audit_trail()
    {
        var cs = await Cs();
        var account = await NewAccountAsync();

        var created = await (await cs.PostJsonAsync($"/api/accounts/{account.Id}/contacts", Zhang())).ReadAsync<ContactJson>(HttpStatusCode.Created);

        Assert.Equal(("张伟", "zhang.wei@example.cn", ContactRole.Administrator, true, account.Id), (created.Name, created.Email, created.Role, created.IsPrimary, created.AccountId));
        Assert.Equal(created, await cs.GetAsync<ContactJson>($"/api/contacts/{created.Id}"));

        var update = Zhang();
        update.Title = "CIO";
        update.Role = ContactRole.DecisionMaker;
        var updated = await (await cs.PutJsonAsync($"/api/contacts/{created.Id}", update)).ReadAsync<ContactJson>();
        Assert.Equal(("CIO", ContactRole.DecisionMaker), (updated.Title, updated.Role));

        var detail = await cs.GetAsync<AccountDetail>($"/api/accounts/{account.Id}");
        Assert.Equal("CIO", Assert.Single(detail.Contacts).Title);

        await (await cs.DeleteAsync($"/api/contacts/{created.Id}")).ExpectAsync(HttpStatusCode.NoContent);

        await (await cs.GetAsync($"/api/contacts/{created.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await cs.DeleteAsync($"/api/contacts/{created.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        var audit = (await cs.GetAsync<AccountDetail>($"/api/accounts/{account.Id}")).Audit.Select(e => e.Action).ToList();
        Assert.Contains("contact-added", audit);
        Assert.Contains("contact-updated", audit);
        Assert.Contains("contact-removed", audit);
    }

    [DbFact]
    public async Task The_contact_list_puts_decision_makers_first()
    {
        var cs = await Cs();
        var account = await NewAccountAsync();
        foreach (var (name, role) in new[] { ("业务员甲", ContactRole.BusinessUser), ("总经理乙", ContactRole.DecisionMaker), ("管理员丙", ContactRole.Administrator) })
            await (await cs.PostJsonAsync($"/api/accounts/{account.Id}/contacts", new ContactInput { Name = name, Role = role })).ExpectAsync(HttpStatusCode.Created);

        var list = await cs.GetAsync<List<ContactRow>>($"/api/accounts/{account.Id}/contacts");

        Assert.Equal(["总经理乙", "管理员丙", "业务员甲"], list.Select(c => c.Name));
    }

    [DbTheory]
    [InlineData("email", "not-an-email")]
    [InlineData("email", "张伟@")]
    [InlineData("phone", "call me")]
    [InlineData("name", "")]
    public async Task A_bad_field_is_a_problem_naming_it(string field, string value)
    {
        var cs = await Cs();
        var account = await NewAccountAsync();
        var input = Zhang();
        switch (field)
        {
            case "email": input.Email = value; break;
            case "phone": input.Phone = value; break;
            default: input.Name = value; break;
        }

        await (await cs.PostJsonAsync($"/api/accounts/{account.Id}/contacts", input)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Empty((await cs.GetAsync<AccountDetail>($"/api/accounts/{account.Id}")).Contacts);
    }

    [DbFact]
    public async Task Updating_to_a_bad_email_is_a_problem_and_keeps_the_old_one()
    {
        var cs = await Cs();
        var account = await NewAccountAsync();
        var created = await (await cs.PostJsonAsync($"/api/accounts/{account.Id}/contacts", Zhang())).ReadAsync<ContactJson>(HttpStatusCode.Created);
        var bad = Zhang();
        bad.Email = "zhang.wei at example.cn";

        await (await cs.PutJsonAsync($"/api/contacts/{created.Id}", bad)).ExpectProblemAsync(HttpStatusCode.BadRequest, "email");

        Assert.Equal("zhang.wei@example.cn", (await cs.GetAsync<ContactJson>($"/api/contacts/{created.Id}")).Email);
    }

    [DbFact]
    public async Task Two_contacts_of_one_account_cannot_share_an_email()
    {
        var cs = await Cs();
        var account = await NewAccountAsync();
        await (await cs.PostJsonAsync($"/api/accounts/{account.Id}/contacts", Zhang())).ExpectAsync(HttpStatusCode.Created);
        var twin = new ContactInput { Name = "张伟（重复）", Email = "zhang.wei@EXAMPLE.cn" };

        await (await cs.PostJsonAsync($"/api/accounts/{account.Id}/contacts", twin)).ExpectProblemAsync(HttpStatusCode.Conflict, "email");

        var other = await NewAccountAsync();
        await (await cs.PostJsonAsync($"/api/accounts/{other.Id}/contacts", twin)).ExpectAsync(HttpStatusCode.Created);
    }

    [DbFact]
    public async Task Contacts_of_an_unknown_account_or_an_unknown_contact_are_404_problems()
    {
        var cs = await Cs();

        await (await cs.PostJsonAsync($"/api/accounts/{Guid.NewGuid()}/contacts", Zhang())).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await cs.PutJsonAsync($"/api/contacts/{Guid.NewGuid()}", Zhang())).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [DbFact]
    public async Task Support_can_read_contacts_but_not_change_them()
    {
        var account = await NewAccountAsync();
        var created = await (await (await Cs()).PostJsonAsync($"/api/accounts/{account.Id}/contacts", Zhang())).ReadAsync<ContactJson>(HttpStatusCode.Created);
        var support = await app.ClientForRoleAsync(Roles.Support);

        await (await support.GetAsync($"/api/contacts/{created.Id}")).ExpectAsync(HttpStatusCode.OK);
        await (await support.PostJsonAsync($"/api/accounts/{account.Id}/contacts", new ContactInput { Name = "李四" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await support.PutJsonAsync($"/api/contacts/{created.Id}", Zhang())).ExpectAsync(HttpStatusCode.Forbidden);
        await (await support.DeleteAsync($"/api/contacts/{created.Id}")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : ContactTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : ContactTests(app), IPostgresSuite;
}
