using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pharos.Bench.Ingestion;

/// <summary>A server under load in its own process, so its CPU and memory are its own and can be read from /proc.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    public Uri BaseUrl { get; }
    public int Pid => _process.Id;

    private ServerProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<ServerProcess> StartAsync(string dll, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, string healthPath)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}/");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(url.ToString().TrimEnd('/'));
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var p = new Process { StartInfo = psi };
        var server = new ServerProcess(p, url);
        p.OutputDataReceived += (_, e) => server.Append(e.Data);
        p.ErrorDataReceived += (_, e) => server.Append(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (p.HasExited) throw new InvalidOperationException($"The server exited ({p.ExitCode}):\n{server.Output}");
            try
            {
                using var r = await http.GetAsync(new Uri(url, healthPath));
                if (r.StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The server did not start:\n{server.Output}");
    }

    /// <summary>Peak resident memory (VmHWM) in bytes.</summary>
    public long PeakMemory()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM lets Pharos drain its queue and checkpoint, as in production.
            Process.Start("kill", ["-TERM", Pid.ToString()])?.WaitForExit();
            if (!await Task.Run(() => _process.WaitForExit(30_000))) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
