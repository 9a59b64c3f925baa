using Pharos.Service.Faq;

namespace Pharos.Tests.Service;

/// <summary>
/// Go-live week at a customer: the same few operation questions asked in different words, among one-off questions.
/// Groups are exact — every paraphrase in, nothing else in — because a FAQ drafted from a cluster that misses a wording
/// or drags in a different question is the failure the inbox exists to avoid. The one exception is a single question
/// marked borderline (<see cref="SsoMaybe"/>) that a person could file either way; it may join its group or stay out.
/// </summary>
public sealed class QuestionClustersTests
{
    private const string Export = "导出报表";
    private const string Password = "重置密码";
    private const string Sso = "单点登录";
    private const string SsoMaybe = "单点登录?";
    private const string SubAccount = "添加子账号";
    private const string Permission = "报表权限";
    private const string EnglishExport = "export (en)";
    private const string Invoice = "发票抬头";

    // (group, subject, body); group null = a one-off question.
    private static readonly (string? Group, string Subject, string Body)[] Asked =
    [
        (Export, "怎么导出报表？", "月底要给领导汇报，需要把销售报表导出来，找了半天没找到入口。"),
        (Export, "报表导出按钮在哪里", "新版界面里找不到导出按钮了，以前是在右上角的。"),
        (Export, "如何把月度报表导出成Excel", "财务需要Excel格式的月度报表，请问怎么导出？"),
        (Export, "报表能导出吗", "我们想把报表下载到本地，有没有导出功能？"),
        (Export, "导出报表的入口找不到", "你好，请问在哪里可以导出报表？谢谢"),
        (Export, "想把报表数据导出来做分析", "需要把报表里的明细数据导出成表格，怎么操作？"),
        (Export, "销售报表可以导出Excel吗", "您好，销售报表能不能导出为xlsx文件，方便发给区域经理。"),

        (Password, "忘记密码了怎么办", "登录的时候想不起来密码了，怎么找回？"),
        (Password, "如何重置密码", "员工离职交接，需要重置一个同事的登录密码。"),
        (Password, "密码忘了，登录不上去", "试了好几次密码都不对，账号会不会被锁？"),
        (Password, "重置密码的邮件收不到", "点了忘记密码，一直没有收到重置邮件。"),
        (Password, "找回密码", "忘记密码，手机号也换了，怎么找回？"),
        (Password, "密码重置链接打不开", "点击邮件里的重置密码链接提示已过期。"),

        (Sso, "单点登录SSO怎么配置", "我们公司用Azure AD，想接入单点登录。"),
        (Sso, "如何配置SSO", "IT部门要求所有系统都走SSO登录，需要SAML还是OIDC？"),
        (Sso, "SAML单点登录配置失败", "按文档配置了SAML SSO，登录时跳转回来报错。"),
        // Asks whether one identity provider is supported rather than how to set SSO up: a support lead could file it
        // under the SSO FAQ or under "supported integrations", so either outcome is accepted (see Members).
        (SsoMaybe, "支持企业微信单点登录吗", "希望员工用企业微信扫码直接登录，不用再输密码。"),
        (Sso, "SSO登录的元数据在哪里下载", "配置单点登录需要SP元数据文件，在管理后台哪里下载？"),

        (SubAccount, "怎么添加子账号", "主账号下面想给同事开几个子账号。"),
        (SubAccount, "如何新增用户", "新员工入职，需要在系统里新增一个用户。"),
        (SubAccount, "子账号在哪里创建", "管理员后台找不到创建子账号的入口。"),
        (SubAccount, "给新同事开通帐号", "部门新来了三个人，怎么给他们开通账号？"),
        (SubAccount, "能不能批量添加用户", "一次要加50个员工，有没有批量新增用户的办法？"),

        // Shares 导出/报表 with the export group, but the question is about permissions.
        (Permission, "导出报表时提示没有权限", "点击导出按钮后提示：您没有该操作的权限，请联系管理员。"),
        (Permission, "普通员工看不到报表，提示无权限", "给员工分配了角色，但打开报表页面提示无权限访问。"),
        (Permission, "报表权限怎么分配", "想让区域经理只能看自己区域的报表，权限在哪里设置？"),

        (EnglishExport, "How do I export a report to Excel?", "I need the monthly report as an Excel file."),
        (EnglishExport, "Export reports to Excel", "Where is the export button for reports?"),
        (EnglishExport, "Can't find the report export option", "We want to export the sales report but cannot find the option."),
        (EnglishExport, "Exporting a report as xlsx", "Is it possible to export the report in Excel format?"),

        (Invoice, "发票抬头怎么修改", "上个月的发票抬头开错了，需要改成公司全称。"),
        (Invoice, "发票抬头开错了", "收到的发票抬头少了“有限公司”几个字，能重开吗？"),

        (null, "数据看板加载很慢", "打开首页数据看板要等半分钟以上。"),
        (null, "API调用返回401", "用API Key调用接口时一直返回401 Unauthorized。"),
        (null, "合同续费的价格是多少", "明年续约，想了解一下续费价格有没有优惠。"),
        (null, "手机App闪退", "iOS上打开App就闪退，版本是3.2.1。"),
        (null, "如何设置工作日历", "春节放假期间SLA计时要暂停，日历在哪里设置？"),
        (null, "通知邮件进了垃圾箱", "系统发的通知邮件都进了垃圾邮件箱，客户收不到。"),
        (null, "能不能对接钉钉", "希望工单消息能推送到钉钉群。"),
        (null, "页面显示乱码", "用Edge浏览器打开，部分页面中文显示乱码。"),
        (null, "历史数据保留多久", "历史数据会保存多长时间？会不会被自动删除？"),
        (null, "培训视频在哪里看", "新同事需要学习操作，有没有培训视频？"),
        (null, "工单优先级怎么定义", "紧急和高优先级的区别是什么？"),
        (null, "如何上传附件", "工单里想上传截图，附件大小有限制吗？"),
        (null, "是否支持私有化部署", "集团要求数据不能出内网，能否本地部署？"),
        (null, "Webhook回调没有触发", "配置了Webhook地址，但事件发生时没有收到回调请求。"),
        (null, "How to change the language to English?", "Our overseas colleagues need the English interface."),
        (null, "报表里的金额和财务对不上", "月度报表的销售金额比财务系统少了两万。"),
        (null, "登录页面打不开", "今天早上开始登录页面一直转圈，换了浏览器也一样。"),
    ];

    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    // Ticket i is asked 3h17m after ticket i−1, so the set spans about a week and no two share a moment.
    private static readonly Question[] Questions = [.. Asked.Select((a, i) =>
        new Question(new Guid(i + 1, 0, 0, new byte[8]), a.Subject, a.Body, Monday.AddMinutes(i * 197)))];

    private static readonly Dictionary<Guid, string?> GroupOf = Questions.Zip(Asked).ToDictionary(x => x.First.TicketId, x => x.Second.Group);

    private static HashSet<Guid> Members(string group) => [.. GroupOf.Where(kv => kv.Value == group).Select(kv => kv.Key)];

    /// <summary>The group's members plus the borderline questions that may go with it.</summary>
    private static HashSet<Guid> Allowed(string group) => group == Sso ? [.. Members(Sso), .. Members(SsoMaybe)] : Members(group);

    private static string Describe(IEnumerable<Guid> ids) =>
        string.Join(" / ", ids.Select(id => Questions.Single(q => q.TicketId == id).Subject));

    [Theory]
    [InlineData(Export)]
    [InlineData(Password)]
    [InlineData(Sso)]
    [InlineData(SubAccount)]
    [InlineData(Permission)]
    [InlineData(EnglishExport)]
    public void Each_paraphrase_group_comes_out_as_one_cluster_with_exactly_its_members(string group)
    {
        var clusters = QuestionClusters.Find(Questions, new ClusterOptions());
        var expected = Members(group);
        var allowed = Allowed(group);

        var holding = clusters.Where(c => c.TicketIds.Any(expected.Contains)).ToList();
        Assert.True(holding.Count == 1,
            $"{group} is spread over {holding.Count} clusters: {string.Join(" || ", holding.Select(c => Describe(c.TicketIds)))}");
        var cluster = holding[0];
        Assert.True(expected.IsSubsetOf(cluster.TicketIds) && allowed.IsSupersetOf(cluster.TicketIds),
            $"{group}: missing [{Describe(expected.Except(cluster.TicketIds))}], extra [{Describe(cluster.TicketIds.Except(allowed))}]");
        Assert.Contains(cluster.Label, Asked.Where(a => a.Group == group).Select(a => a.Subject));
    }

    [Fact]
    public void A_borderline_question_joins_its_nearest_group_or_none()
    {
        var maybe = Members(SsoMaybe).Single();

        var holding = QuestionClusters.Find(Questions, new ClusterOptions()).Where(c => c.TicketIds.Contains(maybe)).ToList();

        Assert.True(holding.Count == 0 || Members(Sso).IsSubsetOf(holding.Single().TicketIds), Describe(holding.SelectMany(c => c.TicketIds)));
    }

    [Fact]
    public void Questions_asked_once_are_not_clustered()
    {
        var clustered = QuestionClusters.Find(Questions, new ClusterOptions()).SelectMany(c => c.TicketIds).ToHashSet();

        var oneOffs = Questions.Where(q => GroupOf[q.TicketId] is null).Select(q => q.TicketId).ToList();
        Assert.True(oneOffs.Count >= 15);
        Assert.Empty(Describe(oneOffs.Where(clustered.Contains)));
    }

    [Fact]
    public void A_question_asked_twice_needs_a_minimum_size_of_two()
    {
        var invoice = Members(Invoice);

        Assert.DoesNotContain(QuestionClusters.Find(Questions, new ClusterOptions()), c => c.TicketIds.Any(invoice.Contains));
        var pairs = QuestionClusters.Find(Questions, new ClusterOptions { MinSize = 2 });
        Assert.Contains(pairs, c => invoice.SetEquals(c.TicketIds));
    }

    [Fact]
    public void Clusters_smaller_than_the_minimum_size_are_dropped()
    {
        var clusters = QuestionClusters.Find(Questions, new ClusterOptions { MinSize = 6 });

        Assert.Equal([Members(Export).Count, Members(Password).Count], clusters.Select(c => c.Count));
        Assert.True(Members(Export).SetEquals(clusters[0].TicketIds));
        Assert.True(Members(Password).SetEquals(clusters[1].TicketIds));
    }

    [Fact]
    public void Clusters_are_ordered_by_size_then_by_the_latest_question()
    {
        var clusters = QuestionClusters.Find(Questions, new ClusterOptions());

        // Export 7, password 6, sub-accounts 5; then SSO (4 or 5), English 4 and permission 3.
        Assert.Equal([Export, Password, SubAccount], clusters.Take(3).Select(c => GroupOf[c.TicketIds[0]]));
        Assert.Equal(6, clusters.Count);
        for (var i = 1; i < clusters.Count; i++)
            Assert.True(clusters[i - 1].Count > clusters[i].Count || (clusters[i - 1].Count == clusters[i].Count && clusters[i - 1].Last >= clusters[i].Last),
                $"cluster {i - 1} ({clusters[i - 1].Count}, {clusters[i - 1].Last:O}) before cluster {i} ({clusters[i].Count}, {clusters[i].Last:O})");
    }

    [Fact]
    public void Equal_sized_clusters_put_the_most_recently_asked_first()
    {
        // Two groups of three, the password group asked later.
        Question[] asked =
        [
            new(Guid.NewGuid(), "怎么导出报表", "需要导出报表", Monday),
            new(Guid.NewGuid(), "报表导出在哪里", "找不到报表导出", Monday.AddHours(1)),
            new(Guid.NewGuid(), "重置密码", "忘记密码了", Monday.AddHours(2)),
            new(Guid.NewGuid(), "导出报表失败", "报表导出不了", Monday.AddHours(3)),
            new(Guid.NewGuid(), "密码怎么重置", "密码忘了", Monday.AddHours(4)),
            new(Guid.NewGuid(), "找回密码", "重置密码的邮件", Monday.AddHours(5)),
        ];

        var clusters = QuestionClusters.Find(asked, new ClusterOptions());

        Assert.Equal([[asked[2].TicketId, asked[4].TicketId, asked[5].TicketId], [asked[0].TicketId, asked[1].TicketId, asked[3].TicketId]],
            clusters.Select(c => c.TicketIds));
    }

    [Fact]
    public void The_result_depends_on_the_questions_not_the_order_they_are_given_in()
    {
        static string Render(IReadOnlyList<QuestionCluster> clusters) => string.Join("\n", clusters.Select(c =>
            $"{c.Label} [{string.Join(",", c.KeyTerms)}] {string.Join(",", c.TicketIds)} {c.First:O} {c.Last:O}"));
        var expected = Render(QuestionClusters.Find(Questions, new ClusterOptions()));

        Assert.Equal(expected, Render(QuestionClusters.Find(Questions, new ClusterOptions())));
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var shuffled = Questions.ToArray();
            new Random(seed).Shuffle(shuffled);
            Assert.Equal(expected, Render(QuestionClusters.Find(shuffled, new ClusterOptions())));
        }
    }

    [Fact]
    public void A_cluster_reports_its_time_span_and_tickets_oldest_first()
    {
        var cluster = QuestionClusters.Find(Questions, new ClusterOptions()).Single(c => GroupOf[c.TicketIds[0]] == SubAccount);
        var asked = Questions.Where(q => GroupOf[q.TicketId] == SubAccount).OrderBy(q => q.At).ToList();

        Assert.Equal(asked.Select(q => q.TicketId), cluster.TicketIds);
        Assert.Equal(asked[0].At, cluster.First);
        Assert.Equal(asked[^1].At, cluster.Last);
    }

    [Theory]
    [InlineData(Export, "导出", "报表")]
    [InlineData(Password, "密码", "重置")]
    [InlineData(Sso, "sso", "登录")]
    [InlineData(EnglishExport, "export", "report")]
    public void Key_terms_are_the_words_the_cluster_is_about(string group, string first, string second)
    {
        var cluster = QuestionClusters.Find(Questions, new ClusterOptions()).Single(c => GroupOf[c.TicketIds[0]] == group);

        Assert.Contains(first, cluster.KeyTerms);
        Assert.Contains(second, cluster.KeyTerms);
        Assert.DoesNotContain(cluster.KeyTerms, t => new ClusterOptions().StopWords.Contains(t));
    }

    [Fact]
    public void The_label_is_the_question_most_like_the_others()
    {
        // Three near-identical wordings and one that shares only the topic: the label must come from the three.
        Question[] asked =
        [
            new(Guid.NewGuid(), "数据导入失败", "导入客户数据时报错", Monday),
            new(Guid.NewGuid(), "客户数据导入失败", "批量导入客户数据报错", Monday.AddHours(1)),
            new(Guid.NewGuid(), "导入客户数据报错", "客户数据导入失败了", Monday.AddHours(2)),
            new(Guid.NewGuid(), "导入的模板在哪里下载", "找不到导入客户数据的模板", Monday.AddHours(3)),
        ];

        var cluster = Assert.Single(QuestionClusters.Find(asked, new ClusterOptions()));

        Assert.Contains(cluster.Label, asked.Take(3).Select(q => q.Subject));
    }

    [Fact]
    public void Mixed_Chinese_and_English_questions_match_on_the_English_words()
    {
        Question[] asked =
        [
            new(Guid.NewGuid(), "API token怎么生成", "对接ERP需要API token", Monday),
            new(Guid.NewGuid(), "在哪里生成API Token", "开发要调接口，token在哪里申请？", Monday.AddHours(1)),
            new(Guid.NewGuid(), "API Token过期了怎么重新生成", "原来的token失效了", Monday.AddHours(2)),
            new(Guid.NewGuid(), "工单优先级怎么定义", "紧急和高优先级的区别是什么？", Monday.AddHours(3)),
        ];

        var cluster = Assert.Single(QuestionClusters.Find(asked, new ClusterOptions()));

        Assert.Equal(asked.Take(3).Select(q => q.TicketId), cluster.TicketIds);
        Assert.Contains("token", cluster.KeyTerms);
    }

    [Fact]
    public void Without_options_the_defaults_apply()
    {
        var render = (IReadOnlyList<QuestionCluster> cs) => string.Join("\n", cs.Select(c => string.Join(",", c.TicketIds)));

        Assert.Equal(render(QuestionClusters.Find(Questions, new ClusterOptions())), render(QuestionClusters.Find(Questions)));
        Assert.Equal(render(QuestionClusters.Find(Questions, new ClusterOptions())), render(QuestionClusters.Find(Questions, ClusterOptions.Default)));
    }

    [Fact]
    public void A_minimum_size_below_two_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => QuestionClusters.Find(Questions, new ClusterOptions { MinSize = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuestionClusters.Find(Questions, new ClusterOptions { Similarity = 0 }));
    }

    [Fact]
    public void No_questions_give_no_clusters()
    {
        Assert.Empty(QuestionClusters.Find([], new ClusterOptions()));
        Assert.Empty(QuestionClusters.Find(Questions.Take(2).ToList(), new ClusterOptions()));
    }

    [Fact]
    public void Questions_without_content_words_are_not_clustered()
    {
        // Pure filler: nothing left after stop words, so nothing to be similar on.
        Question[] asked = [.. Enumerable.Range(0, 5).Select(i => new Question(Guid.NewGuid(), "你好，请问一下", "谢谢！", Monday.AddHours(i)))];

        Assert.Empty(QuestionClusters.Find(asked, new ClusterOptions()));
    }
}

/// <summary>The demo promises a go-live spike of one question asked many ways; the clustering must show it as a large FAQ candidate.</summary>
public sealed class DemoQuestionClusterTests
{
    [Fact]
    public void The_demo_go_live_question_comes_out_as_a_large_cluster()
    {
        var at = new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);
        var questions = Pharos.Seeding.Demo.DemoTickets.ExportQuestion
            .Select((q, i) => new Pharos.Service.Faq.Question(Guid.CreateVersion7(), q, q + " 我们下周就要上线了。", at.AddHours(i))).ToList();

        var clusters = Pharos.Service.Faq.QuestionClusters.Find(questions);

        // "Export a report" and "export it to Excel" may come out as two FAQs; the first must gather most of the wordings.
        Assert.InRange(clusters.Count, 1, 2);
        Assert.True(clusters[0].Count >= 6, string.Join(" || ", clusters.Select(c => string.Join(" | ", c.TicketIds.Select(id => questions.First(q => q.TicketId == id).Subject)))));
    }
}
