using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Pharos.BrowserTests;

[Collection(BrowserSuite.Name)]
public sealed class AnalyticsPagesTests(PharosAppFixture app, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task An_analyst_builds_a_funnel_pins_it_to_the_team_dashboard_and_reads_retention_as_a_heat_map()
    {
        // analyst@ is the only browser-test user that touches analytics, and saves only the insight it names here.
        var page = await WidePageAsync();
        await app.SignInAsync(page, "analyst@pharos.demo");
        await page.GotoAsync("/analytics/funnels");
        await PharosAppFixture.WaitInteractiveAsync(page);

        var steps = page.Locator("[data-test=step]");
        await PickEventAsync(page, steps.Nth(0), "Signed In");
        await PickEventAsync(page, steps.Nth(1), "Report Created");
        await page.ClickAsync("[data-test=add-step]");
        await PickEventAsync(page, steps.Nth(2), "Report Exported");
        await page.ClickAsync("[data-test=run]");

        await Expect(page.Locator("[data-test=step-count]")).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        var counts = (await page.Locator("[data-test=step-count]").AllInnerTextsAsync())
            .Select(t => int.Parse(t, NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("zh-CN"))).ToList();
        Assert.True(counts[0] > counts[1] && counts[1] > counts[2] && counts[2] > 0, $"the demo funnel narrows at every step: {string.Join(" → ", counts)}");
        await Expect(page).ToHaveURLAsync(new Regex(@"/analytics/funnels\?q="));

        // The drop-off export is a plain link carrying the whole funnel; the signed-in browser downloads it.
        var csvLink = page.Locator("[data-test=csv-dropped]").First;
        await Expect(csvLink).ToHaveAttributeAsync("href", new Regex(@"^/api/analytics/funnels/units\.csv\?q=[A-Za-z0-9_-]+$"));
        var csv = await page.APIRequest.GetAsync(await csvLink.GetAttributeAsync("href") ?? "");
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("person", (await csv.TextAsync()).TrimStart('\uFEFF'), StringComparison.Ordinal);
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        output.WriteLine(await app.ScreenshotAsync(page, "analytics-funnel", fullPage: false));

        var name = "登录到导出转化 " + Guid.NewGuid().ToString("N")[..6];
        await page.ClickAsync("[data-test=insight-save-open]");
        await page.Locator("[data-test=insight-name] input, input[data-test=insight-name]").First.FillAsync(name);
        await page.Locator(".mud-select").Filter(new() { Has = page.Locator("[data-test=insight-team]") }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "数据分析" }).First.ClickAsync();
        await page.ClickAsync("[data-test=insight-save-submit]");
        await Expect(page.Locator("[data-test=insight-current]")).ToContainTextAsync(name);
        await Expect(page).ToHaveURLAsync(new Regex("insight=[0-9a-f-]{36}"));

        await page.GotoAsync("/analytics");
        await PharosAppFixture.WaitInteractiveAsync(page);
        var card = page.Locator("[data-test=insight-card]").Filter(new() { HasText = name });
        await Expect(card).ToBeVisibleAsync();
        await Expect(card.Locator("[data-test=funnel-chart]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator("[data-test=at-risk-table], [data-test=at-risk-none]").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        output.WriteLine(await app.ScreenshotAsync(page, "analytics-dashboard"));

        await page.GotoAsync("/analytics/retention");
        await PharosAppFixture.WaitInteractiveAsync(page);
        await PickEventAsync(page, page.Locator("[data-test=start-event]"), "Signed In");
        await PickEventAsync(page, page.Locator("[data-test=return-event]"), "Report Exported");
        // Recurring: everyone who signed in that week is in the week's cohort, so every week has one.
        await page.Locator("[data-test=mode-Recurring]").First.ClickAsync();
        await page.ClickAsync("[data-test=run]");
        var heatmap = page.Locator("[data-test=retention-heatmap]");
        await Expect(heatmap).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.True(await heatmap.Locator("[data-test=retention-cohort]").CountAsync() > 0, "the retention table has cohorts");
        await Expect(heatmap.Locator("[data-test=retention-mean] td.cell").First).ToHaveTextAsync("100.0%");
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        output.WriteLine(await app.ScreenshotAsync(page, "analytics-retention", fullPage: false));
    }

    /// <summary>The size the README's pictures are taken at.</summary>
    private async Task<IPage> WidePageAsync()
    {
        var context = await app.Browser.NewContextAsync(new()
        {
            BaseURL = app.BaseUrl.ToString(), Locale = "zh-CN", ViewportSize = new() { Width = 1440, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    /// <summary>Types into an event picker and takes the matching suggestion, as a person would.</summary>
    private static async Task PickEventAsync(IPage page, ILocator editor, string name)
    {
        var input = editor.Locator("input").First;
        await input.ClickAsync();
        await input.FillAsync(name);
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = name }).First.ClickAsync();
        await Expect(input).ToHaveValueAsync(name);
    }
}
