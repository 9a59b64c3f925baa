using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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

    private readonly StringBuilder _appOutput = new();
    private Process? _app;
    private string? _workDir;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static bool SkipRequested => Environment.GetEnvironmentVariable("PHAROS_SKIP_BROWSER") == "1";

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public string RepoRoot { get; } = FindRepoRoot();

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser was not started.");

    /// <summary>Screenshots go next to the test binaries and to artifacts/screenshots/ (gitignored) in the repo.</summary>
    public IReadOnlyList<string> ScreenshotDirectories => [Path.Combine(AppContext.BaseDirectory, "screenshots"), Path.Combine(RepoRoot, "artifacts", "screenshots")];

    public string AppOutput
    {
        get { lock (_appOutput) return _appOutput.ToString(); }
    }

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
        if (_app is not null)
        {
            try
            {
                if (!_app.HasExited) _app.Kill(entireProcessTree: true);
                await _app.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
            _app.Dispose();
        }
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

    public async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new() { FullPage = true });
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
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        var appDir = Path.Combine(RepoRoot, "src", "Pharos", "bin", configuration, "net10.0");
        var dll = Path.Combine(appDir, "Pharos.dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"{dll} is missing. Build the app first: `dotnet build Pharos.slnx -c {configuration}` (scripts/test.sh does it).");

        _workDir = Directory.CreateTempSubdirectory("pharos-browser-").FullName;
        BaseUrl = new Uri($"http://127.0.0.1:{FreePort()}/");

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The content root is the build output: appsettings*.json are there, and in Development the static web assets
        // manifest next to Pharos.dll maps wwwroot and _content/MudBlazor back to their sources.
        foreach (var arg in new[] { dll, "--urls", BaseUrl.ToString().TrimEnd('/'), "--contentRoot", appDir }) psi.ArgumentList.Add(arg);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["Pharos__DataDirectory"] = Path.Combine(_workDir, "data");
        psi.Environment["Pharos__Seed"] = "Demo";
        psi.Environment["Pharos__Database__Provider"] = "Sqlite";
        psi.Environment["Pharos__Database__ConnectionString"] = "";
        psi.Environment.Remove("ASPNETCORE_URLS");
        psi.Environment.Remove("DOTNET_ENVIRONMENT");

        _app = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _app.OutputDataReceived += (_, e) => Append(e.Data);
        _app.ErrorDataReceived += (_, e) => Append(e.Data);
        _app.Start();
        _app.BeginOutputReadLine();
        _app.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var health = new Uri(BaseUrl, "/health");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_app.HasExited)
                throw new InvalidOperationException($"Pharos exited with code {_app.ExitCode} before /health answered. Its output:\n{AppOutput}");
            try
            {
                using var response = await http.GetAsync(health);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (clock.Elapsed > StartTimeout)
                throw new TimeoutException($"Pharos did not answer 200 on {health} within {StartTimeout.TotalSeconds:0} s. Its output:\n{AppOutput}");
            await Task.Delay(250);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_appOutput) _appOutput.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pharos.slnx")) || File.Exists(Path.Combine(dir.FullName, "src", "Pharos", "Pharos.csproj")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"Could not find the repository root (Pharos.slnx) above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A browser test; reported as skipped, not passed, when the test command was told to skip the browser suite.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (PharosAppFixture.SkipRequested)
            Skip = "PHAROS_SKIP_BROWSER=1: browser suite skipped (needs /usr/bin/chromium: apt-get install chromium fonts-noto-cjk).";
    }
}
