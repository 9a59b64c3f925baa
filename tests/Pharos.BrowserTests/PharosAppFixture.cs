using Microsoft.Playwright;
using Xunit;

namespace Pharos.BrowserTests;

[CollectionDefinition(Name)]
public sealed class BrowserSuite : ICollectionFixture<PharosAppFixture>
{
    public const string Name = "Pharos in Chromium";
}

/// <summary>
/// One Pharos process and one Chromium for the whole run: each takes seconds to start, and the tests keep out of
/// each other's way by signing in as different demo users in their own browser contexts.
/// </summary>
public sealed class PharosAppFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DemoPassword = "Pharos-demo-2026"; // DEMO ONLY, see src/Pharos/Seeding/StartupTasks.cs
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _adminGate = new(1, 1);
    private PharosProcess? _app;
    private HttpClient? _adminApi;
    private string? _workDir;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static bool SkipRequested => Environment.GetEnvironmentVariable("PHAROS_SKIP_BROWSER") == "1";

    /// <summary>Said by every browser-suite test when it is skipped (scripts/test.sh ignores the variable under CI).</summary>
    public const string SkipReason = "PHAROS_SKIP_BROWSER=1: browser suite skipped (needs /usr/bin/chromium: apt-get install chromium fonts-noto-cjk).";

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public string RepoRoot => PharosProcess.RepoRoot;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser was not started.");

    /// <summary>Screenshots go next to the test binaries and to artifacts/screenshots/ (gitignored) in the repo.</summary>
    public IReadOnlyList<string> ScreenshotDirectories => [Path.Combine(AppContext.BaseDirectory, "screenshots"), Path.Combine(RepoRoot, "artifacts", "screenshots")];

    public string AppOutput => _app?.Output ?? "";

    public async Task InitializeAsync()
    {
        // Tests are marked skipped by BrowserFactAttribute; xunit may still build the fixture, so do nothing.
        if (SkipRequested) return;

        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing. Install Debian's Chromium: `apt-get install chromium fonts-noto-cjk` (scripts/test.sh does it), or set PHAROS_SKIP_BROWSER=1 to skip the browser tests.");

        foreach (var dir in ScreenshotDirectories) Directory.CreateDirectory(dir);
        await StartAppAsync();

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        _adminApi?.Dispose();
        _adminGate.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (_workDir is not null)
        {
            try { Directory.Delete(_workDir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>A fresh context (own cookies) with the browser language set, as a person's browser would send it.</summary>
    public async Task<IPage> NewPageAsync(string locale = "zh-CN")
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseUrl.ToString(),
            Locale = locale,
            ViewportSize = new() { Width = 1366, Height = 850 },
        });
        return await context.NewPageAsync();
    }

    public async Task SignInAsync(IPage page, string email, string password = DemoPassword)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>Waits until Blazor's circuit drives the page: before that, a click on a prerendered form posts it as plain HTML.</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-test=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    /// <param name="fullPage">False: the viewport only, for README pictures of a fixed size.</param>
    public async Task<string> ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var bytes = await page.ScreenshotAsync(new() { FullPage = fullPage });
        var file = name + ".png";
        foreach (var dir in ScreenshotDirectories)
        {
            Directory.CreateDirectory(dir);
            await File.WriteAllBytesAsync(Path.Combine(dir, file), bytes);
        }
        return Path.Combine(ScreenshotDirectories[^1], file);
    }

    private async Task StartAppAsync()
    {
        _workDir = Directory.CreateTempSubdirectory("pharos-browser-").FullName;
        _app = await PharosProcess.StartAsync(Path.Combine(_workDir, "data"), seed: "Demo", timeout: StartTimeout);
        BaseUrl = _app.BaseUrl;
    }

    /// <summary>An API client authenticated as the demo admin (Bearer token), made once: tests that need staff APIs share it.</summary>
    public async Task<HttpClient> AdminApiAsync()
    {
        await _adminGate.WaitAsync();
        try
        {
            return _adminApi ??= await (_app ?? throw new InvalidOperationException("Pharos was not started.")).ApiClientAsync("admin@pharos.demo");
        }
        finally { _adminGate.Release(); }
    }
}

/// <summary>A browser test; reported as skipped, not passed, when the test command was told to skip the browser suite.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (PharosAppFixture.SkipRequested)
            Skip = PharosAppFixture.SkipReason;
    }
}
