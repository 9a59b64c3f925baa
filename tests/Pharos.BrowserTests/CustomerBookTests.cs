using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Pharos.BrowserTests;

[Collection(BrowserSuite.Name)]
public sealed class CustomerBookTests(PharosAppFixture app, ITestOutputHelper output)
{
    private const string AccountLinks = "[data-test=account-link]";

    [BrowserFact]
    public async Task Searching_the_account_list_narrows_it_to_the_matching_accounts()
    {
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "cs@pharos.demo");
        await Expect(page.Locator(AccountLinks).First).ToBeVisibleAsync();
        var before = await page.Locator(AccountLinks).CountAsync();
        var name = (await page.Locator(AccountLinks).Nth(before / 2).InnerTextAsync()).Trim();

        await page.Locator("[data-test=account-search] input, input[data-test=account-search]").First.FillAsync(name);

        await page.WaitForFunctionAsync(
            "q => { const links = [...document.querySelectorAll('[data-test=account-link]')]; return links.length > 0 && links.every(l => l.textContent.includes(q)); }",
            name);
        Assert.True(await page.Locator(AccountLinks).CountAsync() < before, "the search should leave fewer accounts than the unfiltered first page");
        output.WriteLine(await app.ScreenshotAsync(page, "accounts-search"));
    }

    [BrowserFact]
    public async Task Operations_user_overrides_a_tier_with_a_reason_and_the_account_and_dashboard_show_it()
    {
        // ops2 is the only browser-test user that changes data, and only this one account's override.
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "ops2@pharos.demo");
        await page.GotoAsync("/tiers");
        var before = await TierCountsAsync(page);
        await page.GotoAsync("/accounts");
        await Expect(page.Locator(AccountLinks).First).ToBeVisibleAsync();
        var href = await page.Locator(AccountLinks).Nth(3).GetAttributeAsync("href");
        Assert.NotNull(href);

        await page.GotoAsync(href);
        await Expect(page.Locator("[data-test=account-name]")).ToBeVisibleAsync();
        var chip = page.Locator("[data-test=tier-chip]").First;
        var current = (await chip.InnerTextAsync()).Trim().TrimEnd('*');
        var target = current == "C" ? "B" : "C";
        output.WriteLine(await app.ScreenshotAsync(page, "account-before-override"));

        await page.ClickAsync("[data-test=override-tier]");
        var dialog = page.Locator("[data-test=override-dialog], .mud-dialog").First;
        await Expect(dialog).ToBeVisibleAsync();

        // Saving without a reason is refused and the dialog stays open.
        await page.ClickAsync("[data-test=override-save]");
        await Expect(dialog.Locator(".mud-input-error").First).ToBeVisibleAsync();
        output.WriteLine(await app.ScreenshotAsync(page, "account-override-needs-reason"));

        // MudSelect puts the attribute on its hidden input; the visible control is the .mud-select around it.
        await page.Locator(".mud-select").Filter(new() { Has = page.Locator("[data-test=override-tier-select]") }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($@"^\s*{target}\s*·") }).First.ClickAsync();
        const string reason = "Browser test: strategic pilot agreed with the customer";
        await page.Locator("[data-test=override-reason] textarea, textarea[data-test=override-reason]").First.FillAsync(reason);
        output.WriteLine(await app.ScreenshotAsync(page, "account-override-dialog"));
        await page.ClickAsync("[data-test=override-save]");

        await Expect(page.Locator("[data-test=override-dialog]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-test=override-info]")).ToContainTextAsync(reason);
        await Expect(chip).ToHaveTextAsync(new Regex($@"^\s*{target}\*\s*$"));
        output.WriteLine(await app.ScreenshotAsync(page, "account-after-override"));

        await page.ReloadAsync();
        await Expect(page.Locator("[data-test=override-info]")).ToContainTextAsync(reason);

        // The dashboard counts the account in its new tier.
        await page.GotoAsync("/tiers");
        await Expect(page.Locator($"[data-test=tier-count-{target}]")).ToHaveTextAsync(new Regex($@"^\s*{before[target] + 1}\s*$"));
        var after = await TierCountsAsync(page);
        Assert.Equal(before[current] - 1, after[current]);
        output.WriteLine(await app.ScreenshotAsync(page, "tiers-after-override"));
    }

    private static async Task<Dictionary<string, int>> TierCountsAsync(IPage page)
    {
        var counts = new Dictionary<string, int>();
        foreach (var tier in new[] { "S", "A", "B", "C" })
        {
            var count = page.Locator($"[data-test=tier-count-{tier}]");
            await Expect(count).ToHaveTextAsync(new Regex(@"^\s*\d+\s*$"));
            counts[tier] = int.Parse((await count.InnerTextAsync()).Trim(), CultureInfo.InvariantCulture);
        }
        return counts;
    }

    [BrowserFact]
    public async Task Tier_dashboard_shows_the_Pareto_headline_and_a_count_for_every_tier()
    {
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "cs2@pharos.demo");
        await page.GotoAsync("/tiers");

        await Expect(page.Locator("[data-test=pareto-headline]")).ToContainTextAsync("%");
        var total = 0;
        foreach (var tier in new[] { "S", "A", "B", "C" })
        {
            var count = page.Locator($"[data-test=tier-count-{tier}]");
            await Expect(count).ToHaveTextAsync(new Regex(@"^\s*\d+\s*$"));
            total += int.Parse((await count.InnerTextAsync()).Trim(), CultureInfo.InvariantCulture);
        }
        Assert.True(total > 0, "the demo seed has accounts, so the tier counts cannot all be zero");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        output.WriteLine(await app.ScreenshotAsync(page, "tiers-dashboard"));
    }
}
