using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Customers.Contacts;
using Pharos.Customers.Public;
using Pharos.Customers.Teams;
using Pharos.Customers.Tiering;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;

namespace Pharos.Seeding.Demo;

/// <summary>
/// A realistic Chinese customer book: ~600 accounts over ten industries and seven regions with a long-tailed (log-normal)
/// revenue (the shape behind 二八原则), ~1,750 contacts with operations roles, account teams and staff.
/// Deterministic (fixed seed) so screenshots and tests see the same book.
/// </summary>
public sealed class DemoSeeder(PharosDb db, UserManager<PharosUser> users, Retier retier, PortalLogins portalLogins, Pharos.Platform.Files.AttachmentStore files, TimeProvider time,
    Pharos.Analytics.Store.IEventStore events, Microsoft.Extensions.Options.IOptions<PharosOptions> options)
{
    public const int AccountCount = 600;

    public async Task SeedAsync(CancellationToken ct)
    {
        var rng = new Random(20261127);
        var now = time.GetUtcNow();
        var staff = new Dictionary<string, PharosUser>();
        foreach (var (email, role, name) in DemoAccounts.Staff)
        {
            var u = new PharosUser { Email = email, UserName = email, DisplayName = name, EmailConfirmed = true, CreatedAt = now };
            var r = await users.CreateAsync(u, DemoAccounts.Password);
            if (!r.Succeeded) throw new InvalidOperationException(string.Join(" ", r.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(u, role);
            staff[email] = u;
        }
        var owners = staff.Values.Where(u => DemoAccounts.Staff.Any(s => s.Email == u.Email && s.Role is Roles.CustomerSuccess or Roles.Sales)).ToList();

        var accounts = new List<Account>();
        var names = new HashSet<string>();
        var n = 0;
        while (accounts.Count < AccountCount)
        {
            var (region, cities) = DemoWords.Regions[rng.Weighted(DemoWords.RegionWeights)];
            var city = cities[rng.Next(cities.Length)];
            var (industry, suffixes) = DemoWords.Industries[rng.Next(DemoWords.Industries.Length)];
            var name = $"{city}{DemoWords.Brands[rng.Next(DemoWords.Brands.Length)]}{suffixes[rng.Next(suffixes.Length)]}有限公司";
            if (!names.Add(name)) continue;
            n++;
            var stage = rng.Weighted([12, 22, 60, 6]) switch { 0 => LifecycleStage.Prospect, 1 => LifecycleStage.New, 2 => LifecycleStage.Mature, _ => LifecycleStage.Churned };
            // Log-normal with σ = 1.7 (median ¥120k): in the seeded book the top 15% of accounts carry 80% of revenue, the long tail 二八原则 describes.
            var acv = stage is LifecycleStage.Prospect or LifecycleStage.Churned ? 0m
                : Math.Clamp(Math.Round((decimal)(120_000 * Math.Exp(1.7 * rng.Gaussian())) / 1000m) * 1000m, 10_000m, 80_000_000m);
            var chainy = industry is "零售" or "餐饮" or "医疗";
            var branches = (int)Math.Round(Math.Exp(rng.NextDouble() * (chainy ? 6.5 : 3.5)));
            var influence = rng.NextDouble() switch { < 0.025 => Influence.IndustryLeader, < 0.12 => Influence.Regional, _ => Influence.None };
            accounts.Add(new Account
            {
                Name = name, ExternalId = $"CRM-{100000 + n * 7:D6}", Industry = industry, Region = region, City = city,
                Employees = (int)Math.Round(20 * Math.Exp(rng.NextDouble() * 6)), BranchCount = branches, Stage = stage,
                Channel = (LeadChannel)rng.Weighted([30, 25, 15, 10, 15, 5]), AnnualContractValue = acv,
                IsStrategic = acv > 3_000_000m ? rng.NextDouble() < 0.4 : rng.NextDouble() < 0.02, Influence = influence,
                IsReference = stage == LifecycleStage.Mature && rng.NextDouble() < 0.06,
                OwnerId = owners[rng.Next(owners.Count)].Id,
                CreatedAt = now.AddDays(-rng.Next(30, 1500)), UpdatedAt = now.AddDays(-rng.Next(0, 30)),
            });
        }
        db.AddRange(accounts);

        var contacts = 0;
        foreach (var a in accounts)
        {
            var count = 2 + rng.Weighted([35, 35, 20, 10]);
            for (var i = 0; i < count; i++)
            {
                var role = i == 0 ? ContactRole.DecisionMaker : i == 1 ? ContactRole.Administrator : ContactRole.BusinessUser;
                var titles = DemoWords.Titles[role];
                var person = DemoWords.Surnames[rng.Next(DemoWords.Surnames.Length)] + DemoWords.Given[rng.Next(DemoWords.Given.Length)];
                db.Add(new Contact
                {
                    AccountId = a.Id, Name = person, Title = titles[rng.Next(titles.Length)], Role = role, IsPrimary = i == 1,
                    Email = $"{role.ToString().ToLowerInvariant()[..3]}{i}@{a.ExternalId!.ToLowerInvariant()}.example.cn",
                    Phone = $"13{rng.Next(0, 10)}{rng.Next(10_000_000, 99_999_999)}", CreatedAt = a.CreatedAt, UpdatedAt = a.CreatedAt,
                });
                contacts++;
            }
        }
        DemoService.Add(db, now);
        var source = DemoAnalytics.AddSource(db, now);
        db.Audit(Actor.System, now, "Demo", Guid.Empty, "seeded", new { accounts = accounts.Count, contacts });
        await db.SaveChangesAsync(ct);
        await retier.RunAsync(Actor.System, ct);

        await AddTeamsAndOverridesAsync(accounts, staff, rng, ct);
        await new DemoTickets(db, portalLogins, files, time).SeedAsync(staff, rng, ct);
        await DemoAnalytics.SeedEventsAsync(db, events, source, options.Value.DemoEventScale, now, ct);
    }

    private async Task AddTeamsAndOverridesAsync(List<Account> accounts, Dictionary<string, PharosUser> staff, Random rng, CancellationToken ct)
    {
        var byTier = await db.Set<Account>().Select(a => new { a.Id, a.Tier }).ToListAsync(ct);
        var sales = new[] { "sales@pharos.demo", "sales2@pharos.demo", "sales3@pharos.demo" };
        var cs = new[] { "cs@pharos.demo", "cs2@pharos.demo", "cs3@pharos.demo" };
        var ops = new[] { "ops@pharos.demo", "ops2@pharos.demo" };
        foreach (var a in byTier)
        {
            if (a.Tier == Tier.S)
            {
                db.Add(new AccountTeamMember { AccountId = a.Id, UserId = staff[sales[rng.Next(3)]].Id, Role = TeamRole.KaSales });
                db.Add(new AccountTeamMember { AccountId = a.Id, UserId = staff[ops[rng.Next(2)]].Id, Role = TeamRole.KaOperations });
                db.Add(new AccountTeamMember { AccountId = a.Id, UserId = staff["pm@pharos.demo"].Id, Role = TeamRole.ProductManager });
                db.Add(new AccountTeamMember { AccountId = a.Id, UserId = staff["analyst@pharos.demo"].Id, Role = TeamRole.DataAnalyst });
            }
            else if (a.Tier == Tier.A)
            {
                db.Add(new AccountTeamMember { AccountId = a.Id, UserId = staff[cs[rng.Next(3)]].Id, Role = TeamRole.CustomerSuccess });
            }
        }
        await db.SaveChangesAsync(ct);

        // A few hand overrides, as an operations team would have made them.
        var ops1 = staff["ops@pharos.demo"];
        var actor = new Actor(ops1.Id, ops1.DisplayName);
        var candidates = await db.Set<Account>().AsNoTracking()
            .Where(a => a.Stage == LifecycleStage.New && (a.ComputedTier == Tier.B || a.ComputedTier == Tier.C) && a.AnnualContractValue > 100_000m)
            .OrderBy(a => a.Name).Take(2).ToListAsync(ct);
        var reasons = new[] { "区域标杆客户，计划作为华东灯塔案例，提升服务等级", "集团总部已签框架协议，下半年将推广至全部门店" };
        for (var i = 0; i < candidates.Count; i++)
        {
            var a = await db.Set<Account>().FirstAsync(x => x.Id == candidates[i].Id, ct);
            var from = a.Tier;
            a.Override(Tier.A, reasons[i], ops1.Id, time.GetUtcNow());
            db.Add(new TierChange { AccountId = a.Id, From = from, To = Tier.A, Kind = TierChangeKind.Override, Reason = reasons[i], By = actor.Name, At = time.GetUtcNow() });
            db.Audit(actor, time.GetUtcNow(), nameof(Account), a.Id, "tier-overridden", new { from = from.ToString(), to = "A", reason = reasons[i] });
        }
        await db.SaveChangesAsync(ct);
    }

}
