using System.Diagnostics;
using System.Text;
using Xunit;

namespace Pharos.BrowserTests;

/// <summary>
/// Segment's own client libraries, pinned in tests/compat/package.json and installed there by `npm ci`
/// (scripts/test.sh does it before the browser tests).
/// </summary>
public static class CompatPackages
{
    public static bool SkipRequested => Environment.GetEnvironmentVariable("PHAROS_SKIP_COMPAT") == "1";

    public static string Directory => Path.Combine(PharosProcess.RepoRoot, "tests", "compat");

    /// <summary>analytics-next's webpack UMD build: index.js and the lazy chunks it may load from the same folder.</summary>
    public static string AnalyticsNextUmd => Path.Combine(Directory, "node_modules", "@segment", "analytics-next", "dist", "umd");

    /// <summary>Fails with what to run when the packages are not installed, rather than with a module-not-found trace.</summary>
    public static void EnsureInstalled()
    {
        foreach (var package in new[] { "analytics-node", "analytics-next" })
        {
            if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@segment", package)))
                throw new InvalidOperationException($"@segment/{package} is not installed. Run `npm ci --no-audit --no-fund` in {Directory} (scripts/test.sh does it; it needs node and npm: apt-get install nodejs npm), or set PHAROS_SKIP_COMPAT=1 to skip these tests.");
        }
    }

    /// <summary>Runs a script of tests/compat with node and returns its standard output; a non-zero exit fails with both streams.</summary>
    public static async Task<string> RunNodeAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        EnsureInstalled();
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(script);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var node = new Process { StartInfo = psi };
        try { node.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("node is not on PATH (apt-get install nodejs npm; scripts/test.sh does it).", e);
        }
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        try
        {
            await node.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within {timeout.TotalSeconds:0} s. stderr:\n{await stderr}");
        }
        if (node.ExitCode != 0)
            throw new InvalidOperationException($"node {script} exited with {node.ExitCode}.\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        return await stdout;
    }
}

/// <summary>A test that drives Segment's client libraries; skipped with the browser suite, or alone with PHAROS_SKIP_COMPAT=1 (no npm).</summary>
public sealed class CompatFactAttribute : FactAttribute
{
    public CompatFactAttribute()
    {
        if (PharosAppFixture.SkipRequested)
            Skip = PharosAppFixture.SkipReason;
        else if (CompatPackages.SkipRequested)
            Skip = "PHAROS_SKIP_COMPAT=1: Segment client compatibility tests skipped (need node and npm: apt-get install nodejs npm, then npm ci in tests/compat).";
    }
}
