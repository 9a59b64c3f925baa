using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Pharos.Platform.Text;

namespace Pharos.Tests.Platform;

/// <summary>
/// User Markdown goes into the page as markup, so every hostile input must come out inert. Inertness is judged on
/// the parsed DOM as a browser would build it, not on the raw string: raw HTML in Markdown is shown as text, and
/// text may rightly say "onerror" or "javascript:" — only live elements and attributes are dangerous.
/// </summary>
public sealed class SafeMarkdownTests
{
    private static readonly HashSet<string> AllowedElements =
    [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s", "ins", "mark", "sup", "sub",
        "code", "pre", "blockquote", "ul", "ol", "li", "input", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
    ];

    private static readonly string[] ForbiddenTags = ["<script", "<style", "<iframe", "<object", "<embed", "<form", "<svg", "<math", "<base", "<meta", "<link"];

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](&#106;avascript:alert(1))")]
    [InlineData("[x](&#x6A;avascript&colon;alert(1))")]
    [InlineData("[x](<javascript:alert(1)>)")]
    [InlineData("[x]: javascript:alert(1)\n\n[x]")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("![a](javascript:alert(1))")]
    [InlineData("![a](data:image/svg+xml;base64,PHN2Zy8+)")]
    [InlineData("<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[x](vbscript:msgbox(1))")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("<div style=\"position:fixed;inset:0\">x</div>")]
    [InlineData("<object data=\"x.swf\"></object><form action=\"https://evil.example\"><input name=p></form>")]
    [InlineData("<style>body{display:none}</style>")]
    [InlineData("javascript:alert(1)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("![x](https://a.example/a.png\" onerror=\"alert(1))")]
    [InlineData("[x](https://a.example/\"onmouseover=\"alert(1))")]
    [InlineData("```\"><script>alert(1)</script>\nx\n```")]
    [InlineData("| a |\n|---|\n| <img src=x onerror=alert(1)> |")]
    [InlineData("- [x] <script>alert(1)</script>")]
    [InlineData("x {onclick=alert(1)}")]
    public void Hostile_markdown_renders_inert(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        AssertInert(html);
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](&#106;avascript:alert(1))")]
    [InlineData("![a](javascript:alert(1))")]
    [InlineData("[x](vbscript:msgbox(1))")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD4=)")]
    public void A_link_with_a_script_or_data_url_loses_its_url_entirely(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("vbscript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", html, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Markdig already escapes raw HTML; these go straight to the sanitizer, the lock behind that one.</summary>
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<a href=\" JaVa&#x09;ScRiPt:alert(1)\">x</a>")]
    [InlineData("<a href=\"&#106;avascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>")]
    [InlineData("<a href=\"vbscript:msgbox(1)\">x</a>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<img src=\"data:image/png;base64,AAAA\">")]
    [InlineData("<img src=\"/logout\">")]
    [InlineData("<svg onload=alert(1)><circle/></svg>")]
    [InlineData("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>")]
    [InlineData("<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>")]
    [InlineData("<object data=\"javascript:alert(1)\"></object><embed src=\"x.swf\">")]
    [InlineData("<form action=\"https://evil.example\"><input type=\"password\" name=\"p\"><button>Go</button></form>")]
    [InlineData("<p style=\"background:url(javascript:alert(1))\" onclick=\"alert(1)\">x</p>")]
    [InlineData("<p class=\"mud-overlay\" id=\"location\">x</p>")]
    [InlineData("<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">")]
    [InlineData("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>")]
    public void Hostile_html_is_disarmed_by_the_sanitizer_even_without_markdig(string html)
    {
        var sanitized = SafeMarkdown.Sanitize(html);

        AssertInert(sanitized);
        Assert.DoesNotContain("javascript:", sanitized, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", sanitized, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onload", sanitized, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", sanitized, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Raw_html_is_shown_as_text_rather_than_dropped()
    {
        var html = SafeMarkdown.ToHtml("请把 <b>config</b> 发给我");

        Assert.Equal("<p>请把 &lt;b&gt;config&lt;/b&gt; 发给我</p>", html.Trim());
    }

    [Fact]
    public void Chinese_paragraphs_keep_their_text_and_line_breaks()
    {
        var html = SafeMarkdown.ToHtml("您好，问题已经修复。\n请刷新页面后重试。\n\n第二段：谢谢！");

        var paragraphs = Parse(html).QuerySelectorAll("p");
        Assert.Equal(2, paragraphs.Length);
        Assert.Equal("您好，问题已经修复。\n请刷新页面后重试。", paragraphs[0].TextContent);
        Assert.Single(paragraphs[0].QuerySelectorAll("br"));
        Assert.Equal("第二段：谢谢！", paragraphs[1].TextContent);
    }

    [Theory]
    [InlineData("**bold**", "strong", "bold")]
    [InlineData("*italic*", "em", "italic")]
    [InlineData("**注意：**请重启服务", "strong", "注意：")]
    [InlineData("~~旧方案~~", "del", "旧方案")]
    [InlineData("`dotnet --info`", "code", "dotnet --info")]
    [InlineData("> 客户原话", "blockquote", "客户原话")]
    [InlineData("## 处理步骤", "h2", "处理步骤")]
    public void Common_formatting_survives(string markdown, string element, string text)
    {
        var node = Parse(SafeMarkdown.ToHtml(markdown)).QuerySelector(element);

        Assert.NotNull(node);
        Assert.Equal(text, node.TextContent.Trim());
    }

    [Fact]
    public void A_tilde_range_in_chinese_text_is_not_turned_into_subscript()
    {
        var html = SafeMarkdown.ToHtml("预计 1~2 天，最晚 3~5天");

        Assert.DoesNotContain("<sub", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<del", html, StringComparison.Ordinal);
        Assert.Contains("1~2 天，最晚 3~5天", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_and_task_lists_render()
    {
        var doc = Parse(SafeMarkdown.ToHtml("1. 重启\n2. 清缓存\n\n- [x] 已确认\n- [ ] 待回访"));

        Assert.Equal(["重启", "清缓存"], doc.QuerySelectorAll("ol > li").Select(li => li.TextContent.Trim()));
        var boxes = doc.QuerySelectorAll("ul > li > input").ToList();
        Assert.Equal(2, boxes.Count);
        Assert.All(boxes, box => Assert.Equal(("checkbox", true), (box.GetAttribute("type"), box.HasAttribute("disabled"))));
        Assert.Equal([true, false], boxes.Select(box => box.HasAttribute("checked")));
    }

    [Fact]
    public void A_code_block_keeps_its_text_escaped_and_its_language()
    {
        var html = SafeMarkdown.ToHtml("```csharp\nif (a < b && c > d) Console.WriteLine(\"<b>\");\n```");

        var code = Parse(html).QuerySelector("pre > code");
        Assert.NotNull(code);
        Assert.Equal("language-csharp", code.ClassName);
        Assert.Equal("if (a < b && c > d) Console.WriteLine(\"<b>\");\n", code.TextContent);
        Assert.Contains("&lt;b&gt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[文档](https://docs.example.com/a?b=1)", "https://docs.example.com/a?b=1")]
    [InlineData("see https://status.example.com/incidents/42 please", "https://status.example.com/incidents/42")]
    [InlineData("见 www.example.com", "https://www.example.com")]
    [InlineData("[mail](mailto:support@example.com)", "mailto:support@example.com")]
    [InlineData("[http](http://legacy.example.com)", "http://legacy.example.com")]
    public void A_link_opens_in_a_new_tab_without_opener_referrer_or_ranking(string markdown, string href)
    {
        var link = Parse(SafeMarkdown.ToHtml(markdown)).QuerySelector("a");

        Assert.NotNull(link);
        Assert.Equal(href, link.GetAttribute("href"));
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
    }

    [Fact]
    public void An_https_image_is_kept_without_referrer_and_a_relative_one_becomes_its_alt_text()
    {
        var doc = Parse(SafeMarkdown.ToHtml("![截图](https://img.example.com/a.png) ![内部](/api/logout)"));

        var img = Assert.Single(doc.QuerySelectorAll("img"));
        Assert.Equal("https://img.example.com/a.png", img.GetAttribute("src"));
        Assert.Equal("no-referrer", img.GetAttribute("referrerpolicy"));
        Assert.Contains("内部", doc.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_renders_with_alignment_but_no_style_attribute()
    {
        var html = SafeMarkdown.ToHtml("| 客户 | 工单数 |\n|:---|---:|\n| 华南物流 | 12 |\n| 北方制造 | 3 |");

        var table = Parse(html).QuerySelector("table");
        Assert.NotNull(table);
        Assert.Equal(["客户", "工单数"], table.QuerySelectorAll("thead th").Select(th => th.TextContent));
        Assert.Equal(2, table.QuerySelectorAll("tbody tr").Length);
        Assert.Equal("right", table.QuerySelector("tbody td:nth-child(2)")!.GetAttribute("align"));
        Assert.DoesNotContain("style", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n ")]
    public void Nothing_renders_as_empty(string? markdown) => Assert.Equal("", SafeMarkdown.ToHtml(markdown));

    [Fact]
    public void Plain_text_drops_formatting_and_collapses_whitespace()
    {
        var text = SafeMarkdown.ToPlainText("# 标题\n\n**粗体**  文字\n\n- 一\n- 二\n\n[链接](https://example.com)\n\n```\ncode   here\n```", 200);

        Assert.Equal("标题 粗体 文字 一 二 链接 code here", text);
    }

    [Fact]
    public void Plain_text_is_not_html_escaped_because_its_readers_encode_it_themselves()
    {
        Assert.Equal("if a < b & c > d: <b>x</b>", SafeMarkdown.ToPlainText("if a < b & c > d: <b>x</b>", 100));
    }

    [Fact]
    public void Plain_text_is_cut_with_an_ellipsis_within_the_limit()
    {
        var text = SafeMarkdown.ToPlainText("您好，您反馈的导出问题已经在 3.2 版本修复，请升级后再试。", 10);

        Assert.Equal(10, text.Length);
        Assert.Equal("您好，您反馈的导出…", text);
        Assert.Equal("short", SafeMarkdown.ToPlainText("short", 10));
        Assert.Equal("", SafeMarkdown.ToPlainText(null, 10));
    }

    [Fact]
    public void Plain_text_never_cuts_an_emoji_in_half()
    {
        var text = SafeMarkdown.ToPlainText("ab😀cd", 4);

        Assert.Equal("ab…", text);
    }

    private static AngleSharp.Html.Dom.IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument("<body>" + html + "</body>");

    private static void AssertInert(string html)
    {
        foreach (var tag in ForbiddenTags)
            Assert.DoesNotContain(tag, html, StringComparison.OrdinalIgnoreCase);

        foreach (var element in Parse(html).Body!.Descendants<IElement>())
        {
            Assert.Contains(element.LocalName, AllowedElements);
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"event handler {attribute.Name} on <{element.LocalName}>");
                Assert.NotEqual("style", attribute.Name);
                Assert.NotEqual("id", attribute.Name);
                Assert.NotEqual("srcdoc", attribute.Name);
                if (attribute.Name is "href" or "src")
                {
                    // What the browser will resolve: entity-decoded by the parser, control characters and spaces ignored.
                    var url = new string([.. attribute.Value.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c))]);
                    Assert.True(url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                        || url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || !url.Contains(':', StringComparison.Ordinal),
                        $"<{element.LocalName} {attribute.Name}=\"{attribute.Value}\">");
                }
            }
            if (element.LocalName == "input")
                Assert.Equal(("checkbox", true), (element.GetAttribute("type"), element.HasAttribute("disabled")));
        }
    }
}
