using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Pharos.BrowserTests;

/// <summary>
/// A customer's website in miniature: one HTML page and a folder of scripts on its own port, so the page's origin
/// differs from Pharos's and the browser applies CORS to every event it sends, as on a real site.
/// </summary>
public sealed class StaticSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _html;
    private readonly string _scriptsDirectory;
    private readonly string _scriptsPath;
    private readonly Task _loop;

    /// <param name="html">Served at /.</param>
    /// <param name="scriptsPath">URL folder, e.g. /analytics-next/bundles/, that maps to <paramref name="scriptsDirectory"/>.</param>
    public StaticSite(string html, string scriptsPath, string scriptsDirectory)
    {
        _html = html;
        _scriptsPath = scriptsPath;
        _scriptsDirectory = scriptsDirectory;
        // A port found free can be taken before we bind it; a second try is enough in practice.
        for (var attempt = 0; ; attempt++)
        {
            Origin = new Uri($"http://127.0.0.1:{PharosProcess.FreePort()}/");
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(Origin.ToString());
            try { _listener.Start(); break; }
            catch (HttpListenerException) when (attempt < 3) { }
        }
        _loop = Task.Run(ServeAsync);
    }

    public Uri Origin { get; private set; }

    /// <summary>Every path the browser asked for, with the status it got: shows which lazy chunks the library loaded.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try { Serve(ctx); }
            catch (HttpListenerException) { /* the browser went away */ }
        }
    }

    private void Serve(HttpListenerContext ctx)
    {
        var path = ctx.Request.Url?.AbsolutePath ?? "/";
        byte[]? body = null;
        var type = "text/plain";
        if (path == "/")
        {
            body = Encoding.UTF8.GetBytes(_html);
            type = "text/html; charset=utf-8";
        }
        else if (path.StartsWith(_scriptsPath, StringComparison.Ordinal))
        {
            // File names only: nothing outside the folder can be asked for.
            var file = Path.Combine(_scriptsDirectory, Path.GetFileName(path));
            if (File.Exists(file))
            {
                body = File.ReadAllBytes(file);
                type = file.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8" : "application/octet-stream";
            }
        }
        var status = body is null ? 404 : 200;
        Requests.Enqueue($"{ctx.Request.HttpMethod} {path} → {status}");
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = type;
        body ??= Encoding.UTF8.GetBytes("not found");
        ctx.Response.ContentLength64 = body.Length;
        ctx.Response.OutputStream.Write(body);
        ctx.Response.Close();
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
    }
}
