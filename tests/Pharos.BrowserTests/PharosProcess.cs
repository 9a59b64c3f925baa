using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pharos.BrowserTests;

/// <summary>
/// The built Pharos (src/Pharos/bin/&lt;configuration&gt;/net10.0/Pharos.dll) run as its own process, as an operator runs
/// it: SQLite and the DuckDB event store under one data directory. Tests that must kill, stop or restart Pharos start
/// their own; the browser suite shares one (<see cref="PharosAppFixture"/>).
/// </summary>
public sealed partial class PharosProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _output = new();
    private readonly Process _process;

    private PharosProcess(Process process, Uri baseUrl, string dataDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataDirectory = dataDirectory;
    }

    public Uri BaseUrl { get; }

    public string DataDirectory { get; }

    /// <summary>The default DuckDB file: readable by another process only once this one has exited (DuckDB locks it).</summary>
    public string EventsDuckDb => Path.Combine(DataDirectory, "events.duckdb");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The build output the tests run: the test project's own configuration (Debug or Release).</summary>
    public static string AppDirectory { get; } = Path.Combine(RepoRoot, "src", "Pharos", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release", "net10.0");

    /// <summary>
    /// Starts Pharos on 127.0.0.1:<paramref name="port"/> (a free one when null) with its data under
    /// <paramref name="dataDirectory"/>, and returns once /health answers 200. The same directory and port can be
    /// started again after a kill: that is how a restart after a crash is tested.
    /// </summary>
    public static async Task<PharosProcess> StartAsync(string dataDirectory, string seed = "Demo", int? port = null, TimeSpan? timeout = null)
    {
        var dll = Path.Combine(AppDirectory, "Pharos.dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"{dll} is missing. Build the app first: `dotnet build Pharos.slnx -c {new DirectoryInfo(AppDirectory).Parent!.Name}` (scripts/test.sh does it).");
        Directory.CreateDirectory(dataDirectory);
        var baseUrl = new Uri($"http://127.0.0.1:{port ?? FreePort()}/");

        var psi = StartInfo(dataDirectory, seed);
        // The content root is the build output: appsettings*.json are there, and in Development the static web assets
        // manifest next to Pharos.dll maps wwwroot and _content/MudBlazor back to their sources.
        foreach (var arg in new[] { dll, "--urls", baseUrl.ToString().TrimEnd('/'), "--contentRoot", AppDirectory }) psi.ArgumentList.Add(arg);

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var app = new PharosProcess(process, baseUrl, dataDirectory);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitHealthyAsync(timeout ?? DefaultStartTimeout);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static ProcessStartInfo StartInfo(string dataDirectory, string seed)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dataDirectory))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["Pharos__DataDirectory"] = dataDirectory;
        psi.Environment["Pharos__Seed"] = seed;
        // A twentieth of the demo's events (about 100,000): enough for the analytics pages, quick to seed.
        psi.Environment["Pharos__DemoEventScale"] = "0.05";
        psi.Environment["Pharos__Database__Provider"] = "Sqlite";
        psi.Environment["Pharos__Database__ConnectionString"] = "";
        psi.Environment.Remove("ASPNETCORE_URLS");
        psi.Environment.Remove("DOTNET_ENVIRONMENT");
        return psi;
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var health = new Uri(BaseUrl, "/health");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Pharos exited with code {_process.ExitCode} before /health answered. Its output:\n{Output}");
            try
            {
                using var response = await http.GetAsync(health);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Pharos did not answer 200 on {health} within {timeout.TotalSeconds:0} s. Its output:\n{Output}");
            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILL, as a power cut or the OOM killer would: no shutdown code runs. Returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        // Not entireProcessTree: Pharos starts no children, and walking /proc for them delays the signal by
        // milliseconds that a test aiming at a request in flight does not have.
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>SIGTERM, as systemd or docker stop sends: Pharos drains its ingest queue and closes the event store.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited) return;
        // .NET has no API to send a signal other than SIGKILL to another process.
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            await kill.WaitForExitAsync();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Pharos did not exit within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds:0} s of SIGTERM. Its output:\n{Output}");
        }
    }

    /// <summary>
    /// Signs in through the login form (as a browser does, with its antiforgery token) and creates a personal API token,
    /// returning a client that sends it as Bearer. Faster than the CLI verb, which starts a second .NET process.
    /// </summary>
    public async Task<HttpClient> ApiClientAsync(string email, string password = PharosAppFixture.DemoPassword)
    {
        using var cookies = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using (var browser = new HttpClient(cookies, disposeHandler: false) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) })
        {
            var login = await browser.GetStringAsync("/login");
            var antiforgery = AntiforgeryField().Match(login);
            if (!antiforgery.Success) throw new InvalidOperationException("The login page has no __RequestVerificationToken field.");
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value), ["email"] = email, ["password"] = password,
            });
            using var signedIn = await browser.PostAsync("/account/login", form);
            if (signedIn.StatusCode != HttpStatusCode.Redirect || signedIn.Headers.Location?.OriginalString.Contains("error", StringComparison.Ordinal) != false)
                throw new InvalidOperationException($"Signing in as {email} failed: {(int)signedIn.StatusCode} → {signedIn.Headers.Location}");
            using var created = await browser.PostAsJsonAsync("/api/me/tokens", new { name = "compat-tests" });
            var body = await created.Content.ReadAsStringAsync();
            if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"Creating an API token for {email} answered {(int)created.StatusCode}: {body}");
            var token = JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
            var api = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return api;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public static int FreePort()
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

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
