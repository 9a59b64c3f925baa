using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Pharos.BrowserTests;

// The UI texts are still being written, so these tests read the culture the server rendered (<html lang>) and the
// culture cookie, not translated strings.
[Collection(BrowserSuite.Name)]
public sealed class LanguageTests(PharosAppFixture app, ITestOutputHelper output)
{
    private const string CultureCookie = ".AspNetCore.Culture";

    [BrowserFact]
    public async Task A_Chinese_browser_gets_Chinese_and_an_English_browser_gets_English()
    {
        var zh = await app.NewPageAsync("zh-CN");
        await zh.GotoAsync("/login");
        await Expect(zh.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        output.WriteLine(await app.ScreenshotAsync(zh, "language-login-zh"));

        var en = await app.NewPageAsync("en-US");
        await en.GotoAsync("/login");
        await Expect(en.Locator("html")).ToHaveAttributeAsync("lang", "en");
        output.WriteLine(await app.ScreenshotAsync(en, "language-login-en"));
    }

    [BrowserFact]
    public async Task Switching_to_English_is_remembered_after_reload_and_switching_back_restores_Chinese()
    {
        var page = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(page, "admin@pharos.demo");
        await Expect(page).ToHaveURLAsync(new Regex(@"/accounts(\?.*)?$"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        output.WriteLine(await app.ScreenshotAsync(page, "language-accounts-zh"));

        await page.ClickAsync("[data-test=lang-en]");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        Assert.Equal("c=en|uic=en", await CultureCookieAsync(page));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        output.WriteLine(await app.ScreenshotAsync(page, "language-accounts-en"));

        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("[data-test=lang-zh]")).ToBeVisibleAsync();
        output.WriteLine(await app.ScreenshotAsync(page, "language-accounts-en-reloaded"));

        await page.ClickAsync("[data-test=lang-zh]");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        Assert.Equal("c=zh-CN|uic=zh-CN", await CultureCookieAsync(page));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        output.WriteLine(await app.ScreenshotAsync(page, "language-accounts-zh-again"));
    }

    private static async Task<string?> CultureCookieAsync(IPage page)
    {
        var cookies = await page.Context.CookiesAsync();
        var value = cookies.FirstOrDefault(c => c.Name == CultureCookie)?.Value;
        return value is null ? null : Uri.UnescapeDataString(value);
    }
}
