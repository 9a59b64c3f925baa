using BenchmarkDotNet.Attributes;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;
using Pharos.Service.Faq;

namespace Pharos.Bench;

/// <summary>
/// The inbox groups a week of operation questions (ADR 0005). Baseline: segmenting the same text into words with
/// SmartCn, which any Chinese-aware grouping must do; the ratio is what TF-IDF and the clustering add on top.
/// </summary>
[MemoryDiagnoser]
public class QuestionClusterBench
{
    private static readonly string[] Topics =
    [
        "导出报表", "重置密码", "添加子账号", "设置审批流程", "批量导入商品", "分配店长权限", "修改发票抬头", "配置单点登录",
        "绑定企业微信", "打印小票", "设置会员等级", "同步库存", "调整积分规则", "查看操作日志", "开通移动端", "修改门店地址",
    ];
    private static readonly string[] Frames = ["怎么{0}？", "{0}在哪里操作", "请问如何{0}", "{0}的入口找不到", "想{0}，怎么弄", "{0}提示没有权限"];
    private static readonly string[] Filler = ["我们下周上线", "门店同事问的", "急，谢谢", "总部要求", "昨天开始的", ""];

    [Params(1_000, 5_000)] public int Questions { get; set; }
    private List<Question> _questions = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        var at = new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);
        _questions = Enumerable.Range(0, Questions).Select(i =>
        {
            var subject = string.Format(System.Globalization.CultureInfo.InvariantCulture, Frames[rng.Next(Frames.Length)], Topics[rng.Next(Topics.Length)]);
            return new Question(Guid.CreateVersion7(), subject, subject + " " + Filler[rng.Next(Filler.Length)], at.AddMinutes(i));
        }).ToList();
        QuestionClusters.Find(_questions.Take(10).ToList()); // load SmartCn's dictionary outside the measurement
    }

    [Benchmark(Baseline = true, Description = "SmartCn word segmentation (floor)")]
    public int Segment()
    {
        using var analyzer = new SmartChineseAnalyzer(LuceneVersion.LUCENE_48);
        var tokens = 0;
        foreach (var q in _questions)
        {
            using var stream = analyzer.GetTokenStream("q", q.Subject + " " + q.Body);
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken()) tokens += term.Length > 0 ? 1 : 0;
            stream.End();
        }
        return tokens;
    }

    [Benchmark(Description = "QuestionClusters.Find")]
    public int Cluster() => QuestionClusters.Find(_questions).Count;
}
