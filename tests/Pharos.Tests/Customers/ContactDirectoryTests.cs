using System.Net;
using Pharos.Customers.Accounts;
using Pharos.Customers.Contacts;
using Pharos.Customers.Public;
using Pharos.Platform.Identity;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Customers;

/// <summary>Finding people across the whole book.</summary>
public abstract class ContactDirectoryTests(DemoBook app)
{
    [DbFact]
    public async Task Contacts_are_found_across_accounts_by_chinese_name_email_or_company()
    {
        var cs = await app.ClientForRoleAsync(Roles.CustomerSuccess);
        var company = Http.Unique("通讯录测试科技有限公司");
        var account = await (await cs.PostJsonAsync("/api/accounts", new AccountInput { Name = company, Industry = "教育", Region = "华中", City = "武汉" }))
            .ReadAsync<AccountDetail>(HttpStatusCode.Created);
        var person = Http.Unique("欧阳明");
        await (await cs.PostJsonAsync($"/api/accounts/{account.Id}/contacts",
            new ContactInput { Name = person, Email = "ouyang@dir.example.cn", Role = ContactRole.DecisionMaker })).ExpectAsync(HttpStatusCode.Created);

        var byName = await cs.GetAsync<Page<ContactDirectoryRow>>($"/api/contacts?q={Uri.EscapeDataString(person)}");
        var hit = Assert.Single(byName.Items);
        Assert.Equal((company, ContactRole.DecisionMaker), (hit.AccountName, hit.Role));

        var byCompany = await cs.GetAsync<Page<ContactDirectoryRow>>($"/api/contacts?q={Uri.EscapeDataString(company)}");
        Assert.Equal(person, Assert.Single(byCompany.Items).Name);

        var byEmail = await cs.GetAsync<Page<ContactDirectoryRow>>("/api/contacts?q=ouyang@dir.example");
        Assert.Contains(byEmail.Items, c => c.Name == person);

        var deciders = await cs.GetAsync<Page<ContactDirectoryRow>>("/api/contacts?role=DecisionMaker&tier=S&pageSize=200");
        Assert.NotEmpty(deciders.Items);
        Assert.All(deciders.Items, c => Assert.Equal((ContactRole.DecisionMaker, Tier.S), (c.Role, c.AccountTier)));
    }

    [DbFact]
    public async Task Bad_directory_queries_name_the_parameter()
    {
        var cs = await app.ClientForRoleAsync(Roles.CustomerSuccess);
        await (await cs.GetAsync("/api/contacts?tier=X")).ExpectProblemAsync(HttpStatusCode.BadRequest, "tier");
        await (await cs.GetAsync("/api/contacts?pageSize=0")).ExpectProblemAsync(HttpStatusCode.BadRequest, "pageSize");
    }

    [Collection(DemoBookOnSqlite.Collection)]
    public sealed class Sqlite(DemoBookOnSqlite app) : ContactDirectoryTests(app);

    [Collection(DemoBookOnPostgres.Collection)]
    public sealed class Postgres(DemoBookOnPostgres app) : ContactDirectoryTests(app), IPostgresSuite;
}
