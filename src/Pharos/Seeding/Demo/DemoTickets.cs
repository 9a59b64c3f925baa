using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Customers.Contacts;
using Pharos.Customers.Public;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Files;
using Pharos.Service.Bugs;
using Pharos.Service.Calendars;
using Pharos.Service.Policies;
using Pharos.Service.Public;
using Pharos.Service.Sla;
using Pharos.Service.Tickets;

namespace Pharos.Seeding.Demo;

/// <summary>
/// Sixty days of service desk: tickets of every kind with lives simulated on the real SLA clock (so some first
/// responses were late), CSAT on most resolved ones, open tickets from on-track to breached, a major incident, and
/// the go-live spike of one repeated operation question (DOMAIN.md §3).
/// </summary>
internal sealed class DemoTickets(PharosDb db, PortalLogins portalLogins, AttachmentStore files, TimeProvider time)
{
    private static readonly Dictionary<TicketKind, (string Subject, string Body)[]> Texts = new()
    {
        [TicketKind.PresaleQuestion] = [("私有化部署的报价怎么算？", "我们集团有 30 家分公司，想了解私有化部署和 SaaS 的报价差异。"), ("是否支持对接金蝶云星空？", "财务系统用的是金蝶云星空，采购前想确认能否对接。"), ("试用账号能延长两周吗", "评估还没完成，领导希望再试用两周。")],
        [TicketKind.Account] = [("新增 5 个子账号", "门店扩张，需要再开 5 个子账号，请问怎么操作？"), ("管理员离职，需要转移主账号", "原管理员已离职，主账号需要转给新同事。"), ("账号被锁定无法登录", "输错密码次数太多，账号被锁了。")],
        [TicketKind.Finance] = [("发票抬头开错了，需要重开", "上个月的发票抬头少了“有限公司”四个字，麻烦重开。"), ("续费合同的付款方式", "想改为按季度付款，是否可以？"), ("对公转账后多久到账确认", "昨天已经对公转账，系统里还显示未付款。")],
        [TicketKind.ProductionProblem] = [("订单列表页面加载超过 30 秒", "从今天上午开始，订单列表打开非常慢，所有门店都有这个问题。"), ("移动端扫码后闪退", "安卓手机扫码入库后 App 直接闪退，iOS 正常。"), ("接口偶发返回 502", "调用库存同步接口时，大约 5% 的请求返回 502。"), ("月结报表金额与明细对不上", "9 月月结报表的合计比明细合计多了 1,280 元。")],
        [TicketKind.OperationQuestion] = [("如何设置审批流程", "采购单超过 5 万需要总经理审批，在哪里配置？"), ("怎么批量导入商品", "有 2000 个商品，能否用 Excel 批量导入？"), ("如何给店长分配权限", "店长只能看自己门店的数据，权限怎么设？")],
        [TicketKind.ManagementQuestion] = [("如何统计各门店的使用情况", "总部想看各门店每周的登录和使用情况。"), ("员工培训资料在哪里下载", "新员工入职，需要一套操作培训资料。"), ("想调整服务对接人", "我们这边的对接人换成了运营部的李经理。")],
    };

    /// <summary>The question everyone asks in the week of go-live, in the many ways people ask it.</summary>
    internal static readonly string[] ExportQuestion =
    [
        "怎么导出报表？", "报表导出按钮在哪里", "如何把月度报表导出成Excel", "导出报表的功能在哪", "销售报表怎么导出", "请问报表可以导出吗",
        "月报怎么导出为Excel文件", "如何导出门店销售报表", "报表导出成Excel的入口找不到", "想把报表导出来发给老板，怎么操作", "导出报表在哪个菜单",
        "库存报表如何导出", "怎么把报表下载成Excel", "财务报表导出方法",
    ];

    private static readonly string[] AgentReplies = ["您好，已收到，我们正在确认，稍后回复您。", "请提供一下操作截图和发生时间，方便我们排查。", "已经为您处理，请刷新后再试一下。", "这个问题我们已经转给技术同事，预计今天内给您答复。"];
    private static readonly string[] Resolutions = ["问题已解决，如有疑问请随时回复。", "已修复并发布，请您验证。", "操作步骤：第一步，进入「设置」；第二步，选择对应功能；第三步，保存即可。", "已按您的要求处理完成。"];
    private static readonly string[] Comments = ["响应很快，点赞", "解决得很专业", "等了比较久", "还可以", "客服很耐心", null!];

    public async Task SeedAsync(Dictionary<string, PharosUser> staff, Random rng, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var groups = new[]
        {
            new SupportGroup { Name = "一线支持", LeadId = staff["support@pharos.demo"].Id },
            new SupportGroup { Name = "技术支持", LeadId = staff["support2@pharos.demo"].Id },
            new SupportGroup { Name = "客户成功组", LeadId = staff["cs@pharos.demo"].Id },
        };
        db.AddRange(groups);
        var agents = new[] { "support@pharos.demo", "support2@pharos.demo", "cs@pharos.demo", "cs2@pharos.demo", "cs3@pharos.demo" }.Select(e => staff[e]).ToArray();
        var calendars = await db.Set<ServiceCalendar>().AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Calendar, ct);
        var policies = await db.Set<SlaPolicy>().AsNoTracking().ToListAsync(ct);
        var accounts = await db.Set<Account>().AsNoTracking().Where(a => a.Stage != LifecycleStage.Prospect).OrderBy(a => a.Name)
            .Select(a => new { a.Id, a.Tier }).ToListAsync(ct);
        var contacts = (await db.Set<Contact>().AsNoTracking().Select(c => new { c.Id, c.AccountId, c.Name, c.Role, c.Email }).ToListAsync(ct)).ToLookup(c => c.AccountId);

        // The demo customer: an S-tier account whose administrator and one business user can sign in to the portal.
        var showcase = accounts.First(a => a.Tier == Tier.S);
        var showContacts = contacts[showcase.Id].ToList();
        var adminContact = showContacts.First(c => c.Role == ContactRole.Administrator);
        var userContact = showContacts.FirstOrDefault(c => c.Role == ContactRole.BusinessUser) ?? showContacts.First(c => c.Id != adminContact.Id);
        // Through the tracked contacts (the seeder still holds them), so the portal logins take the new addresses.
        (await db.Set<Contact>().FirstAsync(c => c.Id == adminContact.Id, ct)).Email = DemoAccounts.Portal[0].Email;
        (await db.Set<Contact>().FirstAsync(c => c.Id == userContact.Id, ct)).Email = DemoAccounts.Portal[1].Email;
        await db.SaveChangesAsync(ct);
        var portalAdmin = await portalLogins.CreateAsync(adminContact.Id, DemoAccounts.Password, Actor.System, ct);
        var portalUser = await portalLogins.CreateAsync(userContact.Id, DemoAccounts.Password, Actor.System, ct);

        var number = 1000;
        var kinds = Enum.GetValues<TicketKind>();
        void Add(Guid accountId, Tier tier, TicketKind kind, TicketPriority priority, string subject, string body, DateTimeOffset openedAt, bool open, Guid? requester = null, Guid? contactId = null, bool fresh = false)
        {
            var contact = contactId is { } cid ? contacts[accountId].First(c => c.Id == cid) : contacts[accountId].ElementAt(rng.Next(contacts[accountId].Count()));
            var group = kind == TicketKind.ProductionProblem ? groups[1] : kind is TicketKind.PresaleQuestion or TicketKind.ManagementQuestion ? groups[2] : groups[0];
            var agent = agents[rng.Next(agents.Length)];
            var t = new Ticket
            {
                Number = ++number, AccountId = accountId, ContactId = contact.Id, RequesterUserId = requester, Kind = kind, Priority = priority, Subject = subject, Tier = tier,
                GroupId = group.Id, AssigneeId = open && rng.NextDouble() < 0.25 ? null : agent.Id, CreatedAt = openedAt, UpdatedAt = openedAt, LastCustomerReplyAt = openedAt,
            };
            var policy = policies.FirstOrDefault(p => p.Tier == tier && p.Priority == priority && p.Kind == kind) ?? policies.FirstOrDefault(p => p.Tier == tier && p.Priority == priority && p.Kind == null);
            if (policy is not null) t.SetTargets(policy.CalendarId, policy.FirstResponseMinutes, policy.NextResponseMinutes, policy.ResolutionMinutes);
            var calendar = t.CalendarId is { } id ? calendars[id] : null;
            t.RecomputeSla(calendar);
            db.Add(t);
            db.Add(new TicketEntry { TicketId = t.Id, At = openedAt, Type = EntryType.Reply, AuthorName = contact.Name, FromCustomer = true, Body = body });
            var at = openedAt;
            DateTimeOffset Later(int? targetMinutes, double share)
            {
                // Work happens on the ticket's calendar: a share of the target, in working time (late when share > 1).
                var span = TimeSpan.FromMinutes(Math.Max(3, (targetMinutes ?? 120) * share));
                return (calendar is null ? at + span : SlaClock.DueAt(calendar, at, span, t.Pauses) ?? at + span);
            }
            var respond = !open || (!fresh && rng.NextDouble() < 0.8);
            if (respond)
            {
                var replyAt = Later(t.FirstResponseTarget, Math.Exp(rng.Gaussian() * 0.7 - 0.9));
                if (replyAt < now)
                {
                    at = replyAt;
                    t.AgentReplied(at);
                    t.MoveTo(TicketStatus.Open, at);
                    db.Add(new TicketEntry { TicketId = t.Id, At = at, Type = EntryType.Reply, AuthorId = agent.Id, AuthorName = agent.DisplayName, Body = AgentReplies[rng.Next(AgentReplies.Length)] });
                    if (rng.NextDouble() < 0.3)
                        db.Add(new TicketEntry { TicketId = t.Id, At = at.AddMinutes(1), Type = EntryType.Note, AuthorId = agent.Id, AuthorName = agent.DisplayName, Body = "内部：已在测试环境复现，等待研发确认影响范围。" });
                    if (open && rng.NextDouble() < 0.35)
                    {
                        t.MoveTo(TicketStatus.WaitingOnCustomer, at);
                    }
                    else if (!open)
                    {
                        var resolvedAt = Later(t.ResolutionTarget, Math.Exp(rng.Gaussian() * 0.6 - 0.8));
                        if (resolvedAt >= now) resolvedAt = now.AddMinutes(-rng.Next(5, 120));
                        if (resolvedAt <= at) resolvedAt = at.AddMinutes(10);
                        at = resolvedAt;
                        t.RecomputeSla(calendar);
                        t.MoveTo(TicketStatus.Resolved, at);
                        db.Add(new TicketEntry { TicketId = t.Id, At = at, Type = EntryType.Reply, AuthorId = agent.Id, AuthorName = agent.DisplayName, Body = Resolutions[rng.Next(Resolutions.Length)] });
                        if (rng.NextDouble() < 0.65)
                        {
                            t.CsatScore = t.SlaMissed ? rng.Next(2, 5) : 5 - (rng.NextDouble() < 0.3 ? 1 : 0);
                            t.CsatComment = Comments[rng.Next(Comments.Length)];
                            t.CsatAt = at.AddHours(rng.Next(1, 30));
                        }
                        if (now - at > TimeSpan.FromDays(7)) t.MoveTo(TicketStatus.Closed, at.AddDays(7));
                    }
                }
            }
            t.UpdatedAt = at;
            t.RecomputeSla(calendar);
            // Deadlines that passed unanswered are on the record as missed, as the SLA watch would have marked them.
            if (t.NextDueAt is { } due && due <= now) t.SlaMissed = true;
        }

        for (var i = 0; i < 320; i++)
        {
            var a = accounts[rng.Next(accounts.Count)];
            var kind = kinds[rng.Weighted([8, 14, 10, 22, 34, 12])];
            var (subject, body) = Texts[kind][rng.Next(Texts[kind].Length)];
            var priority = (TicketPriority)rng.Weighted(kind == TicketKind.ProductionProblem ? [15, 35, 40, 10] : [2, 15, 60, 23]);
            var openedAt = WorkingMoment(now.AddDays(-rng.Next(3, 60)), rng);
            Add(a.Id, a.Tier, kind, priority, subject, body, openedAt, open: false);
        }
        for (var i = 0; i < 40; i++)
        {
            var a = i < 6 ? showcase : accounts[rng.Next(accounts.Count)];
            var kind = kinds[rng.Weighted([8, 14, 10, 30, 26, 12])];
            var (subject, body) = Texts[kind][rng.Next(Texts[kind].Length)];
            var priority = (TicketPriority)rng.Weighted([10, 30, 45, 15]);
            // Most open tickets came in today; an unanswered one is usually recent, so the inbox shows a spread from on-track to breached.
            var openedAt = now.AddMinutes(-(i % 3 == 0 ? rng.Next(5, 6 * 60) : rng.Next(30, 3 * 24 * 60)));
            var requester = i < 6 && i % 2 == 0 ? portalUser.Id : i < 6 ? portalAdmin.Id : (Guid?)null;
            var contactId = i < 6 ? (i % 2 == 0 ? userContact.Id : adminContact.Id) : (Guid?)null;
            Add(a.Id, a.Tier, kind, priority, subject, body, openedAt, open: true, requester, contactId, fresh: i % 3 == 0);
        }
        // The go-live week: the same question, many customers, many wordings.
        for (var i = 0; i < ExportQuestion.Length; i++)
        {
            var a = accounts[rng.Next(accounts.Count)];
            Add(a.Id, a.Tier, TicketKind.OperationQuestion, TicketPriority.Normal, ExportQuestion[i], ExportQuestion[i] + " 我们下周就要上线了。", now.AddHours(-rng.Next(2, 7 * 24)), open: rng.NextDouble() < 0.4);
        }
        var major = accounts.Where(a => a.Tier == Tier.S).Skip(1).First();
        Add(major.Id, Tier.S, TicketKind.ProductionProblem, TicketPriority.Urgent, "全部门店无法收银", "今天 14:05 起所有门店收银台报“网络异常”，影响营业！", now.AddMinutes(-25), open: true, fresh: true);
        await db.SaveChangesAsync(ct);
        var incident = await db.Set<Ticket>().OrderByDescending(t => t.Number).FirstAsync(ct);
        incident.IsMajorIncident = true;
        db.Add(new TicketEntry { TicketId = incident.Id, At = now.AddMinutes(-20), Type = EntryType.Event, AuthorName = "李娜", Field = "majorIncident", OldValue = "False", NewValue = "True" });
        db.Audit(Actor.System, now, "Demo", Guid.Empty, "seeded", new { tickets = number - 1000 });
        await db.SaveChangesAsync(ct);
        await AddBugsAsync(staff, rng, now, ct);
    }

    /// <summary>Production problems as the bug workflow leaves them: reproduced with a log, classified, handed over, mostly fixed.</summary>
    private async Task AddBugsAsync(Dictionary<string, PharosUser> staff, Random rng, DateTimeOffset now, CancellationToken ct)
    {
        var tree = new (string Name, string[] Children)[]
        {
            ("订单", ["创建与修改", "列表与查询", "导出"]), ("库存", ["入库", "同步接口"]), ("财务", ["月结报表", "对账"]),
            ("移动端", ["扫码", "闪退"]), ("账户与权限", ["登录", "权限"]),
        };
        var leaves = new Dictionary<string, BugCategory>();
        foreach (var (name, children) in tree)
        {
            var parent = new BugCategory { Name = name };
            db.Add(parent);
            foreach (var child in children) db.Add(leaves[$"{name}/{child}"] = new BugCategory { Name = child, ParentId = parent.Id });
        }
        // Which leaf a subject belongs to, and the causes that keep coming back there.
        var bySubject = new Dictionary<string, (string Leaf, RootCause[] Causes)>
        {
            ["订单列表页面加载超过 30 秒"] = ("订单/列表与查询", [RootCause.Infrastructure, RootCause.CodeDefect, RootCause.DataIssue]),
            ["移动端扫码后闪退"] = ("移动端/闪退", [RootCause.CodeDefect, RootCause.CodeDefect, RootCause.ThirdParty]),
            ["接口偶发返回 502"] = ("库存/同步接口", [RootCause.Infrastructure, RootCause.ThirdParty]),
            ["月结报表金额与明细对不上"] = ("财务/月结报表", [RootCause.DataIssue, RootCause.CodeDefect, RootCause.Configuration]),
            ["全部门店无法收银"] = ("订单/创建与修改", [RootCause.Infrastructure]),
        };
        var dev = staff["pm@pharos.demo"];
        var tester = staff["analyst@pharos.demo"];
        var problems = await db.Set<Ticket>().AsNoTracking().Where(t => t.Kind == TicketKind.ProductionProblem).OrderBy(t => t.Number)
            .Select(t => new { t.Id, t.Subject, t.CreatedAt, t.Status, t.AssigneeId }).ToListAsync(ct);
        foreach (var t in problems)
        {
            var (leaf, causes) = bySubject.GetValueOrDefault(t.Subject, ("订单/导出", [RootCause.Usability]));
            var done = t.Status is TicketStatus.Resolved or TicketStatus.Closed;
            // An unanswered ticket is still being reproduced; one in conversation can be anywhere up to development.
            var stage = done ? BugStage.Fixed : t.Status == TicketStatus.New ? BugStage.Reproducing : (BugStage)rng.Next(1, 4);
            var at = t.CreatedAt.AddHours(2);
            var bug = new BugReport { TicketId = t.Id, Stage = stage, UpdatedAt = at };
            if (stage >= BugStage.Reproduced || rng.NextDouble() < 0.5)
            {
                (bug.Steps, bug.Environment, bug.Expected, bug.Actual) = ("第一步：登录门店账号；第二步：进入对应页面；第三步：执行操作。", "生产环境 v5.12，Chrome 128 / 安卓 14", "操作正常完成", t.Subject);
                await using var log = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"{at:O} ERROR {t.Subject}\n  at Service.Handle()\n"));
                var file = await files.SaveAsync("error.log", log, ct);
                var entry = new TicketEntry { TicketId = t.Id, At = at, Type = EntryType.Note, AuthorId = t.AssigneeId, AuthorName = "黄丽", Body = "内部：已复现，日志见附件。" };
                db.Add(entry);
                db.Add(new TicketAttachment { TicketId = t.Id, EntryId = entry.Id, StoreKey = file.Key, FileName = file.FileName, ContentType = file.ContentType, Length = file.Length, Sha256 = file.Sha256, CreatedAt = at });
                if (stage >= BugStage.Reproduced) bug.ReproducedAt = at;
            }
            if (stage >= BugStage.Classified)
            {
                (bug.CategoryId, bug.RootCause, bug.ClassifiedAt) = (leaves[leaf].Id, causes[rng.Next(causes.Length)], at.AddHours(1));
                bug.RootCauseNote = bug.RootCause == RootCause.Infrastructure ? "网关连接池耗尽" : null;
            }
            if (stage >= BugStage.InDevelopment)
            {
                (bug.DevOwnerId, bug.TestOwnerId, bug.HandedOverAt) = (dev.Id, tester.Id, at.AddHours(2));
                (bug.ExternalLink, bug.ExternalState) = ($"https://gitlab.example.cn/pharos/app/-/issues/{4000 + rng.Next(1000)}", stage == BugStage.Fixed ? "released" : "in progress");
            }
            if (stage == BugStage.Fixed) bug.FixedAt = at.AddDays(1);
            db.Add(bug);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A moment on a weekday between 09:00 and 18:00 Shanghai time, near the given day.</summary>
    private static DateTimeOffset WorkingMoment(DateTimeOffset day, Random rng)
    {
        var local = day.ToOffset(TimeSpan.FromHours(8)).Date;
        while (local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) local = local.AddDays(-1);
        return new DateTimeOffset(local.AddHours(9).AddMinutes(rng.Next(0, 9 * 60)), TimeSpan.FromHours(8)).ToUniversalTime();
    }

}
