using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Ganss.Xss;
using Markdig;
using Markdig.Extensions.AutoLinks;
using Markdig.Extensions.EmphasisExtras;

namespace Pharos.Platform.Text;

/// <summary>
/// Markdown written by users (ticket replies, internal notes) turned into HTML that may be handed to Blazor's
/// <c>MarkupString</c>. Two locks on the door: Markdig renders raw HTML as text, and an allowlist sanitizer
/// rebuilds what Markdig produced, so a parser quirk in one is caught by the other.
/// </summary>
public static partial class SafeMarkdown
{
    // Chosen one by one instead of UseAdvancedExtensions: that set includes generic attributes ({onclick=…}),
    // media links (iframes) and auto identifiers (ids that can clobber DOM globals), none of which user text needs.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseAutoLinks(new AutoLinkOptions { UseHttpsForWWWLinks = true })
        .UseTaskLists()
        // No single-tilde subscript: Chinese writes ranges as "1~2天，3~5天", which would turn into <sub>.
        .UseEmphasisExtras(EmphasisExtraOptions.Strikethrough | EmphasisExtraOptions.Inserted | EmphasisExtraOptions.Marked)
        // CommonMark's flanking rules leave "**注意：**请重启" unbolded; this extension fixes emphasis next to CJK punctuation.
        .UseCjkFriendlyEmphasis()
        // People type replies like chat messages and expect Enter to start a new line; in Chinese a soft break
        // rendered as a space would also put a stray gap between characters.
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    // The README of HtmlSanitizer: Sanitize() is thread-safe on a shared instance once configuration is done,
    // which is what this static initializer guarantees (nothing touches it afterwards).
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>Sanitized HTML for <paramref name="markdown"/>; empty for null or blank input.</summary>
    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        var html = Markdown.ToHtml(markdown, Pipeline);
        // Markdig writes table alignment as inline style, and style attributes are not let through at all; these
        // three literals can only come from Markdig (it writes every user-typed quote as &quot;), so turn them into the
        // enumerated align attribute, which carries no CSS.
        html = html.Replace(" style=\"text-align: left;\"", " align=\"left\"", StringComparison.Ordinal)
            .Replace(" style=\"text-align: center;\"", " align=\"center\"", StringComparison.Ordinal)
            .Replace(" style=\"text-align: right;\"", " align=\"right\"", StringComparison.Ordinal);
        return Sanitize(html);
    }

    /// <summary>The second lock on its own, so tests can throw raw hostile HTML at it that Markdig would never emit.</summary>
    internal static string Sanitize(string html) => Sanitizer.Sanitize(html);

    /// <summary>
    /// Plain text for email bodies and list previews: formatting dropped, whitespace collapsed to single spaces,
    /// cut at <paramref name="maxLength"/> characters (an ellipsis included). The result is text, not HTML —
    /// whoever shows it must still encode it (Razor does).
    /// </summary>
    public static string ToPlainText(string? markdown, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        var text = Whitespace().Replace(Markdown.ToPlainText(markdown, Pipeline), " ").Trim();
        if (text.Length <= maxLength) return text;
        var cut = maxLength - 1;
        // Do not split a surrogate pair (emoji, rare CJK ideographs) in half.
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut).TrimEnd(), "…");
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        // From an empty allowlist so that a new default in a future HtmlSanitizer release cannot widen what we let in.
        var options = HtmlSanitizerOptions.Empty();
        options.AllowedTags.UnionWith([
            "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
            "strong", "em", "b", "i", "del", "s", "ins", "mark", "sup", "sub",
            "code", "pre", "blockquote", "ul", "ol", "li", "input",
            "table", "thead", "tbody", "tr", "th", "td",
            "a", "img",
        ]);
        options.AllowedAttributes.UnionWith(["href", "src", "alt", "title", "class", "type", "checked", "disabled", "start", "align"]);
        // Every attribute that can carry a URL is screened; only these schemes survive (relative URLs do too).
        options.UriAttributes.UnionWith(["href", "src"]);
        options.AllowedSchemes.UnionWith(["http", "https", "mailto"]);
        options.AllowedClasses.UnionWith(["contains-task-list", "task-list-item", "task-list-item-checkbox"]);

        var sanitizer = new HtmlSanitizer(options);
        // Fenced code keeps its language class ("language-csharp") for a highlighter; nothing else is let through.
        sanitizer.RemovingCssClass += (_, e) => e.Cancel = LanguageClass().IsMatch(e.CssClass);
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is not IElement element) return;
            switch (element.LocalName)
            {
                case "a" when element.HasAttribute("href"):
                    // A user's link opens away from the workspace, cannot reach back through window.opener, leaks
                    // no ticket URL as referrer, and earns no search ranking.
                    element.SetAttribute("target", "_blank");
                    element.SetAttribute("rel", "noopener noreferrer nofollow");
                    break;
                case "img":
                    // Images are kept — customers paste screenshots hosted elsewhere — but only from absolute
                    // http(s) URLs: a relative src would make every viewer's browser send a same-origin GET to
                    // whatever path the author chose, and mailto: is meaningless for an image. No referrer, so
                    // the host does not learn which ticket was being read.
                    if (!IsAbsoluteHttp(element.GetAttribute("src")))
                    {
                        e.ReplacementNodes.Add(e.Document.CreateTextNode(element.GetAttribute("alt") ?? ""));
                        break;
                    }
                    element.SetAttribute("referrerpolicy", "no-referrer");
                    element.SetAttribute("loading", "lazy");
                    break;
                case "input":
                    // Only the read-only checkboxes of task lists; never a field a crafted reply could use to phish.
                    if (!string.Equals(element.GetAttribute("type"), "checkbox", StringComparison.OrdinalIgnoreCase))
                        e.ReplacementNodes.Add(e.Document.CreateTextNode(""));
                    else
                        element.SetAttribute("disabled", "disabled");
                    break;
            }
        };
        return sanitizer;
    }

    private static bool IsAbsoluteHttp(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    [GeneratedRegex(@"^language-[A-Za-z0-9_+#-]{1,32}$")]
    private static partial Regex LanguageClass();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
