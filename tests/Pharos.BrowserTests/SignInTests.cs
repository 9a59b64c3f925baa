using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Pharos.BrowserTests;

[Collection(BrowserSuite.Name)]
public sealed class SignInTests(PharosAppFixture app, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task Wrong_password_shows_an_error_and_stays_on_the_login_page()
    {
        // A user no other browser test signs in as, so the failed attempt cannot count towards anyone's lockout.
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "sales3@pharos.demo", "not-the-password");

        await Expect(page.Locator("[data-test=login-error]")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/login(\?|$)"));
        output.WriteLine(await app.ScreenshotAsync(page, "signin-wrong-password"));
    }

    [BrowserFact]
    public async Task Operations_user_signs_in_and_lands_on_the_account_list()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/login");
        output.WriteLine(await app.ScreenshotAsync(page, "signin-login-page"));

        await app.SignInAsync(page, "ops@pharos.demo");

        await Expect(page).ToHaveURLAsync(new Regex(@"/accounts(\?.*)?$"));
        output.WriteLine(await app.ScreenshotAsync(page, "signin-ops-accounts"));
    }

    [BrowserFact]
    public async Task Login_page_loads_MudBlazor_styles_and_every_script_and_stylesheet()
    {
        var page = await app.NewPageAsync();
        var broken = new List<string>();
        page.Response += (_, r) =>
        {
            if (r.Status >= 400 && r.Request.ResourceType is "stylesheet" or "script") broken.Add($"{r.Status} {r.Url}");
        };
        page.RequestFailed += (_, r) => broken.Add($"failed {r.Url}");

        var css = await page.APIRequest.GetAsync(new Uri(app.BaseUrl, "_content/MudBlazor/MudBlazor.min.css").ToString());
        Assert.Equal(200, css.Status);

        await page.GotoAsync("/login");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        output.WriteLine(await app.ScreenshotAsync(page, "signin-login-page-styled"));

        Assert.Empty(broken);
        // MudBlazor's stylesheet makes .mud-button-root an inline flexbox; unstyled, a <button> is inline-block.
        var display = await page.EvalOnSelectorAsync<string>("button[type=submit]", "b => getComputedStyle(b).display");
        Assert.Equal("inline-flex", display);
    }
}
