using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Tartarus.Snowball.Ext;

namespace Pharos.Service.Faq;

/// <summary>One operation question as the inbox sees it: a ticket's subject and the start of its body.</summary>
public sealed record Question(Guid TicketId, string Subject, string Body, DateTimeOffset At);

/// <summary>
/// A repeated question: <see cref="Label"/> is the subject of the member most similar to the rest, <see cref="KeyTerms"/>
/// the heaviest terms at least two members share, <see cref="TicketIds"/> oldest first.
/// </summary>
public sealed record QuestionCluster(string Label, IReadOnlyList<string> KeyTerms, IReadOnlyList<Guid> TicketIds, DateTimeOffset First, DateTimeOffset Last)
{
    public int Count => TicketIds.Count;
}

public sealed record ClusterOptions
{
    /// <summary>Smaller groups are coincidence, not a FAQ.</summary>
    public int MinSize { get; init; } = 3;

    /// <summary>
    /// The mean cosine (TF-IDF) over all cross pairs of two groups that still lets them merge. On the paraphrase set in
    /// the tests every group comes out exact from 0.27 to 0.385: lower, the report-permission questions join the
    /// report-export ones (they share 报表); higher, the SSO paraphrases and then the export ones split. 0.33 is the
    /// middle of that range. Missing either way costs differently — a cluster mixing two questions drafts a wrong FAQ,
    /// a missed paraphrase only lowers a count — so if in doubt, raise it.
    /// </summary>
    public double Similarity { get; init; } = 0.33;

    /// <summary>
    /// How much more a word in the subject counts than one in the body. The subject states the question; the body adds
    /// context (who, which customer, which screen) that differs between paraphrases and dilutes their similarity.
    /// </summary>
    public double SubjectWeight { get; init; } = 3.0;

    public int KeyTermCount { get; init; } = 3;

    /// <summary>Compared with lower-cased tokens before stemming. Replace or extend <see cref="DefaultStopWords"/>.</summary>
    public IReadOnlySet<string> StopWords { get; init; } = DefaultStopWords;

    /// <summary>Token → canonical term, applied after segmentation. Replace or extend <see cref="DefaultSynonyms"/>.</summary>
    public IReadOnlyDictionary<string, string> Synonyms { get; init; } = DefaultSynonyms;

    /// <summary>
    /// Chinese function words and the filler every ticket has (greetings, "how do I", "the system"), plus Lucene's English
    /// stop set and English question words. What is left is what a question is about: 导出, 报表, 权限, 登录, 密码.
    /// </summary>
    public static IReadOnlySet<string> DefaultStopWords { get; } = new HashSet<string>(
        """
        的 地 得 了 着 过 在 是 有 和 与 及 或 也 都 就 还 又 再 很 太 更 最 吗 呢 吧 啊 呀 哦 嗯 么 啦 嘛 哈
        我 你 他 她 它 您 我们 你们 他们 她们 咱们 我司 贵司 大家 自己 同事
        这 那 这个 那个 这些 那些 这样 那样 这里 那里 这边 那边 哪 哪个 哪里 哪儿 在哪 什么 啥 怎么 怎样 怎么样 怎么办 如何 为什么 为何
        能 能否 能不能 可以 可不可以 可否 是否 是不是 会 会不会 要 想 想要 需要 希望 请 请问 麻烦 帮忙 帮 一下 下 一 一个 个 些 好 好的
        你好 您好 谢谢 感谢 多谢 辛苦 老师 客服 急 紧急 求助 问题 咨询 系统 平台 功能 操作 现在 已经 一直 总是 突然 刚才 今天 昨天
        支持 出来 起来 找到 找不到 该 为 成 已 次 只 几 比 办法 直接 不用 方便 以前 下面 点击 打开 进入
        但是 但 然后 而且 所以 因为 如果 还是 不过 之后 以后 时候 时 后 前 中 里 上 对 从 把 给 被 让 用 到 去 来 说 做 看 找 弄
        不 没 没有 不能 无法 不了 提示 显示 出现 发现 一样 一起 所有 每个 其他 其它
        how do does did can could would should will what where when why which who whom whose is are was were be been
        i me my we us our you your it its this that these those a an the to of in on at for with by from as and or not no
        please hi hello dear thanks thank help get got want need able way there here any some so if then than also just
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Concat(StopAnalyzer.ENGLISH_STOP_WORDS_SET.Select(w => w.ToString() ?? "")),
        StringComparer.Ordinal);

    /// <summary>
    /// Ticket vocabulary that means one thing: customers write 帐号/账户/用户 and 新增/创建/开通 for the same "add a user",
    /// 单点(登录) for SSO. Within one language only, so English and Chinese questions stay apart.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultSynonyms { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["帐号"] = "账号", ["账户"] = "账号", ["帐户"] = "账号", ["用户"] = "账号", ["子账户"] = "子账号",
        ["新增"] = "添加", ["增加"] = "添加", ["创建"] = "添加", ["新建"] = "添加", ["开通"] = "添加", ["加"] = "添加",
        ["单点"] = "sso",
        ["忘记"] = "重置", ["忘"] = "重置", ["找回"] = "重置",
        ["更改"] = "修改", ["改"] = "修改", ["变更"] = "修改",
        ["xlsx"] = "excel", ["xls"] = "excel",
        ["user"] = "account", ["users"] = "account", ["accounts"] = "account",
        ["forgot"] = "reset", ["forgotten"] = "reset",
    };

    // Last: static initialisers run in textual order, and this one reads the two sets above.
    public static ClusterOptions Default { get; } = new();
}

/// <summary>
/// Groups paraphrases of one operation question ("怎么导出报表？", "报表导出按钮在哪里") so the inbox can show
/// "asked 14 times in 7 days" and draft one FAQ entry per group.
/// </summary>
/// <remarks>
/// Segmentation is Lucene.NET's SmartCn HMM tokenizer; weights are TF-IDF over the questions given; clustering is
/// group-average agglomerative (UPGMA): two groups merge only while the mean similarity over all their cross pairs stays at
/// or above <see cref="ClusterOptions.Similarity"/>. A bridging question ("导出报表时提示没有权限" is close to both the
/// export and the permission questions) chains the two together under connected components (single linkage) by
/// construction, and did so under Taylor–Butina leader clustering (with and without a centroid-reassignment pass) when
/// tried on the test set; under the group average it cannot, because the other permission questions are far from the
/// export ones. Questions are first put in (At, TicketId) order, so the result depends on
/// the set of questions, not on the order they were given in.
/// </remarks>
public static class QuestionClusters
{
    // The question is in the first sentences of a body; what follows (logs, quoted mail, signatures) differs between
    // askers and would only dilute their similarity. It also bounds the cost: segmentation is about 0.7 µs a character.
    private const int BodyChars = 100;

    // The tokenizer alone: stop words, synonyms and stemming happen in Terms() because they need the unstemmed surface form
    // (for KeyTerms) and because SmartCn leaves unknown words as single characters that must be rejoined first.
    private static readonly Analyzer Segmenter = Analyzer.NewAnonymous((_, reader) => new TokenStreamComponents(new HMMChineseTokenizer(reader)));

    public static IReadOnlyList<QuestionCluster> Find(IReadOnlyList<Question> questions, ClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(questions);
        options ??= ClusterOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinSize, 2, nameof(options.MinSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Similarity, nameof(options.Similarity));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Similarity, 1.0, nameof(options.Similarity));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SubjectWeight, nameof(options.SubjectWeight));
        if (questions.Count < options.MinSize) return [];

        var docs = questions.OrderBy(q => q.At).ThenBy(q => q.TicketId).ToArray();
        var corpus = Vectorize(docs, options);
        var pairs = SimilarPairs(corpus.Vectors, (float)options.Similarity);
        var groups = AverageLinkage(corpus.Vectors, pairs, options.Similarity).Where(g => g.Length >= options.MinSize);

        return [.. groups
            .Select(members => Describe(docs, corpus, members, options.KeyTermCount))
            .OrderByDescending(c => c.Count)
            .ThenByDescending(c => c.Last)
            .ThenBy(c => c.First)
            .ThenBy(c => c.TicketIds[0])];
    }

    private sealed record Corpus(Term[][] Vectors, string[] TermNames);

    private readonly record struct Term(int Id, float Weight);

    private readonly record struct Token(string Text, int Start, int End);

    /// <summary>
    /// L2-normalised TF-IDF vectors. Term ids are ranks by document frequency (0 = the most common term), and each vector
    /// is sorted by id, so dot products are merges and <see cref="SimilarPairs"/> can leave common terms out of its index.
    /// </summary>
    private static Corpus Vectorize(Question[] docs, ClusterOptions options)
    {
        // Segmentation is most of the cost, so it runs in parallel; everything after it is sequential in (At, TicketId)
        // order, which keeps term ids and float sums, and so the result, deterministic.
        var analysed = new (List<(string Term, string Surface)> Subject, List<(string Term, string Surface)> Body)[docs.Length];
        Parallel.For(0, docs.Length, () => new PorterStemmer(), (i, _, stemmer) =>
        {
            var body = docs[i].Body ?? "";
            analysed[i] = (Terms(docs[i].Subject ?? "", options, stemmer), Terms(body.Length > BodyChars ? body[..BodyChars] : body, options, stemmer));
            return stemmer;
        }, _ => { });

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var surfaces = new List<Dictionary<string, int>>();
        var df = new List<int>();
        var counts = new (Dictionary<int, int> Subject, Dictionary<int, int> Body)[docs.Length];
        for (var i = 0; i < docs.Length; i++)
        {
            counts[i] = (Count(analysed[i].Subject), Count(analysed[i].Body));
            foreach (var id in counts[i].Subject.Keys.Union(counts[i].Body.Keys)) df[id]++;
        }

        Dictionary<int, int> Count(List<(string Term, string Surface)> terms)
        {
            var into = new Dictionary<int, int>();
            foreach (var (term, surface) in terms)
            {
                if (!ids.TryGetValue(term, out var id))
                {
                    id = ids.Count;
                    ids.Add(term, id);
                    surfaces.Add(new Dictionary<string, int>(StringComparer.Ordinal));
                    df.Add(0);
                }
                into[id] = into.GetValueOrDefault(id) + 1;
                surfaces[id][surface] = surfaces[id].GetValueOrDefault(surface) + 1;
            }
            return into;
        }

        var rank = new int[df.Count];
        var byFrequency = Enumerable.Range(0, df.Count).OrderByDescending(id => df[id]).ThenBy(id => id).ToArray();
        for (var r = 0; r < byFrequency.Length; r++) rank[byFrequency[r]] = r;

        // Smoothed IDF (as scikit-learn's): a term in every question still counts a little, a term in one counts most.
        var n = docs.Length;
        var vectors = new Term[n][];
        for (var i = 0; i < n; i++)
        {
            var (subject, body) = counts[i];
            // Sublinear tf per field, then the field weight, so a word repeated in the body cannot outweigh the subject.
            var terms = subject.Keys.Union(body.Keys)
                .Select(id => (Id: rank[id], W: (Math.Log((n + 1.0) / (df[id] + 1.0)) + 1.0)
                    * (options.SubjectWeight * Math.Log(1.0 + subject.GetValueOrDefault(id)) + Math.Log(1.0 + body.GetValueOrDefault(id)))))
                .OrderBy(t => t.Id).ToArray();
            var norm = Math.Sqrt(terms.Sum(t => t.W * t.W));
            vectors[i] = norm == 0 ? [] : [.. terms.Select(t => new Term(t.Id, (float)(t.W / norm)))];
        }

        // Display the form customers wrote most ("export", not the stem "export"; "configuration", not "configur").
        var display = byFrequency.Select(id => surfaces[id]
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key).ToArray();
        return new Corpus(vectors, display);
    }

    /// <summary>(term, surface) pairs of one text: segmented, stop words out, unknown words rejoined, synonyms mapped, English stemmed.</summary>
    private static List<(string Term, string Surface)> Terms(string text, ClusterOptions options, PorterStemmer stemmer)
    {
        var tokens = new List<Token>();
        using (var stream = Segmenter.GetTokenStream("q", text))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            var offset = stream.AddAttribute<IOffsetAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                var t = term.ToString();
                // SmartCn turns every punctuation mark into ","; single Latin letters are the "t" of "can't" or an "I".
                if (!t.Any(char.IsLetterOrDigit) || (t.Length == 1 && char.IsAsciiLetter(t[0])) || options.StopWords.Contains(t)) continue;
                tokens.Add(new Token(t, offset.StartOffset, offset.EndOffset));
            }
            stream.End();
        }

        var result = new List<(string, string)>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            // SmartCn's dictionary lacks much product vocabulary (重置, 帐号, 微信, 看板) and emits it one character at a
            // time. A run of adjacent single characters is rejoined two by two, because most Chinese words have two
            // characters: 重|置 → 重置, 微|信|单|点 → 微信 单点. An odd character at the end stays alone.
            if (IsSingleCjk(tokens[i]) && i + 1 < tokens.Count && IsSingleCjk(tokens[i + 1]) && tokens[i].End == tokens[i + 1].Start)
            {
                Emit(tokens[i].Text + tokens[i + 1].Text);
                i++;
                continue;
            }
            Emit(tokens[i].Text);
        }
        return result;

        void Emit(string token)
        {
            if (options.StopWords.Contains(token)) return;
            var canonical = options.Synonyms.GetValueOrDefault(token, token);
            if (canonical.All(char.IsAsciiLetter))
            {
                stemmer.SetCurrent(canonical);
                stemmer.Stem();
                result.Add((stemmer.Current, canonical));
            }
            else result.Add((canonical, canonical));
        }
    }

    private static bool IsSingleCjk(Token t) => t.Text.Length == 1 && IsCjk(t.Text[0]);

    private static bool IsCjk(char c) => c is >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF';

    /// <summary>
    /// Every pair at or above the threshold, exactly, with the two filters of All-Pairs (Bayardo, Ma, Srikant, WWW 2007)
    /// so that 5,000 questions do not cost 12.5 million comparisons. Indexing: a question's most common terms stay out of
    /// the inverted index while, even at the highest weight any later question could give them, they could not reach the
    /// threshold on their own; so a similar pair always shares an indexed term, and postings of common words stay short.
    /// Querying: see below. Candidates are then scored exactly, including the terms left out of the index.
    /// </summary>
    private static List<(int Other, float Score)>[] SimilarPairs(Term[][] vectors, float threshold)
    {
        var n = vectors.Length;
        var terms = vectors.Length == 0 ? 0 : vectors.Max(v => v.Length == 0 ? 0 : v[^1].Id + 1);
        var maxWeight = new float[terms];
        foreach (var v in vectors)
            foreach (var t in v) maxWeight[t.Id] = Math.Max(maxWeight[t.Id], t.Weight);
        // Questions in decreasing order of their largest weight: no later question weighs any term more than the current
        // one's largest weight, which caps the bound that decides what to index.
        var peak = vectors.Select(v => v.Length == 0 ? 0f : v.Max(t => t.Weight)).ToArray();
        var order = Enumerable.Range(0, n).OrderByDescending(i => peak[i]).ThenBy(i => i).ToArray();

        var result = new List<(int, float)>[n];
        for (var i = 0; i < n; i++) result[i] = [];
        var postings = new List<(int Doc, float Weight)>?[terms];
        var unindexed = new int[n];
        var partial = new float[n];
        var touched = new List<int>();
        foreach (var i in order)
        {
            var x = vectors[i];
            // Rare terms first. Once the terms left could not reach the threshold even at their heaviest, a question not
            // yet met cannot become a match (everything it shares with x lies in those terms), so only known candidates
            // accumulate.
            var left = 0f;
            foreach (var t in x) left += t.Weight * maxWeight[t.Id];
            for (var m = x.Length - 1; m >= 0; m--)
            {
                var t = x[m];
                var open = left >= threshold - 1e-5f;
                left -= t.Weight * maxWeight[t.Id];
                if (postings[t.Id] is not { } list) continue;
                foreach (var (doc, weight) in list)
                {
                    if (partial[doc] == 0)
                    {
                        if (!open) continue;
                        touched.Add(doc);
                    }
                    partial[doc] += t.Weight * weight;
                }
            }
            foreach (var j in touched)
            {
                var score = partial[j] + Dot(x, vectors[j], unindexed[j]);
                partial[j] = 0;
                if (score < threshold) continue;
                result[i].Add((j, score));
                result[j].Add((i, score));
            }
            touched.Clear();

            var bound = 0f;
            var first = 0;
            for (; first < x.Length; first++)
            {
                var most = x[first].Weight * Math.Min(maxWeight[x[first].Id], peak[i]);
                if (bound + most >= threshold) break;
                bound += most;
            }
            unindexed[i] = first;
            for (var m = first; m < x.Length; m++) (postings[x[m].Id] ??= []).Add((i, x[m].Weight));
        }
        // Neighbours in index order, whatever order they were found in.
        foreach (var list in result) list.Sort((p, q) => p.Item1.CompareTo(q.Item1));
        return result;
    }

    /// <summary>x · (the first <paramref name="length"/> terms of y), both sorted by id.</summary>
    private static float Dot(Term[] x, Term[] y, int length)
    {
        var dot = 0f;
        for (int i = 0, j = 0; i < x.Length && j < length;)
        {
            if (x[i].Id < y[j].Id) i++;
            else if (x[i].Id > y[j].Id) j++;
            else dot += x[i++].Weight * y[j++].Weight;
        }
        return dot;
    }

    /// <summary>
    /// Group-average agglomerative clustering (UPGMA), best pair first. The mean cosine over all cross pairs of groups A
    /// and B is (Σ_A v)·(Σ_B v) / (|A|·|B|): exact from each group's summed vector, and additive when groups merge
    /// ((Σ_A + Σ_B)·Σ_C = Σ_A·Σ_C + Σ_B·Σ_C). A mean never exceeds its maximum, so only groups joined by at least one
    /// pair at or above the threshold can ever merge; that keeps the candidates as sparse as the pairs.
    /// </summary>
    private static List<int[]> AverageLinkage(Term[][] vectors, List<(int Other, float Score)>[] pairs, double threshold)
    {
        var n = vectors.Length;
        // A group is named by its oldest question, so names (and tie-breaks) do not depend on the order of merges.
        var members = new List<int>?[n];
        var sums = new Dictionary<int, double>[n];
        // links[a][c] = Σ_a·Σ_c for the groups a can merge with; filled in from the summed vectors when a merge adds a neighbour.
        var links = new Dictionary<int, double>[n];
        var version = new int[n];
        for (var i = 0; i < n; i++)
        {
            members[i] = [i];
            sums[i] = vectors[i].ToDictionary(t => t.Id, t => (double)t.Weight);
            links[i] = pairs[i].ToDictionary(p => p.Other, p => (double)p.Score);
        }
        // Best mean first. Equal means come out in an order fixed by the order they went in, which is itself fixed.
        var queue = new PriorityQueue<(int A, int B, int VersionA, int VersionB), double>(
            Enumerable.Range(0, n).SelectMany(i => pairs[i].Where(p => i < p.Other).Select(p => ((i, p.Other, 0, 0), -(double)p.Score))));

        var merged = new Dictionary<int, double>();
        while (queue.TryDequeue(out var pair, out _))
        {
            var (a, b, va, vb) = pair;
            // Stale: one of the two has merged since this pair was queued, and its new means were queued then.
            if (members[a] is null || members[b] is null || version[a] != va || version[b] != vb) continue;

            merged.Clear();
            foreach (var c in links[a].Keys.Concat(links[b].Keys))
            {
                if (c == a || c == b || merged.ContainsKey(c)) continue;
                merged[c] = (links[a].TryGetValue(c, out var la) ? la : Dot(sums[a], sums[c]))
                    + (links[b].TryGetValue(c, out var lb) ? lb : Dot(sums[b], sums[c]));
            }
            members[a]!.AddRange(members[b]!);
            members[b] = null;
            // Add the smaller summed vector into the larger, so a big cluster is not copied at every merge.
            if (sums[b].Count > sums[a].Count) (sums[a], sums[b]) = (sums[b], sums[a]);
            foreach (var (id, w) in sums[b]) sums[a][id] = sums[a].GetValueOrDefault(id) + w;
            sums[b] = [];
            links[b] = [];
            links[a] = new Dictionary<int, double>(merged);
            version[a]++;

            foreach (var (c, link) in merged)
            {
                links[c].Remove(b);
                links[c][a] = link;
                var mean = link / ((double)members[a]!.Count * members[c]!.Count);
                if (mean < threshold) continue;
                var (x, y) = a < c ? (a, c) : (c, a);
                queue.Enqueue((x, y, version[x], version[y]), -mean);
            }
        }
        return [.. members.Where(m => m is { Count: > 1 }).Select(m => m!.Order().ToArray())];
    }

    private static double Dot(Dictionary<int, double> x, Dictionary<int, double> y)
    {
        if (x.Count > y.Count) (x, y) = (y, x);
        var dot = 0.0;
        foreach (var (id, w) in x)
            if (y.TryGetValue(id, out var v)) dot += w * v;
        return dot;
    }

    private static QuestionCluster Describe(Question[] docs, Corpus corpus, int[] members, int keyTermCount)
    {
        var sum = new Dictionary<int, double>();
        var shared = new Dictionary<int, int>();
        foreach (var m in members)
            foreach (var t in corpus.Vectors[m])
            {
                sum[t.Id] = sum.GetValueOrDefault(t.Id) + t.Weight;
                shared[t.Id] = shared.GetValueOrDefault(t.Id) + 1;
            }

        // Σ_j cos(i, j) = v_i · Σ v, so the member closest to the summed vector is the one most similar to the others.
        var central = members
            .Select(m => (m, Score: corpus.Vectors[m].Sum(t => t.Weight * sum[t.Id])))
            .OrderByDescending(x => x.Score).ThenBy(x => x.m).First().m;

        var keyTerms = sum.Where(kv => shared[kv.Key] >= 2)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => corpus.TermNames[kv.Key], StringComparer.Ordinal)
            .Select(kv => corpus.TermNames[kv.Key]).Distinct().Take(keyTermCount).ToArray();

        // docs are in (At, TicketId) order, so index order is oldest first.
        var ordered = members.Order().ToArray();
        return new QuestionCluster(docs[central].Subject, keyTerms, [.. ordered.Select(m => docs[m].TicketId)], docs[ordered[0]].At, docs[ordered[^1]].At);
    }
}
