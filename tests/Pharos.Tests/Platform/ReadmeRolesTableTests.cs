using Pharos.Platform.Identity;

namespace Pharos.Tests.Platform;

/// <summary>The README's roles table is what users read; it must say what the code does.</summary>
public sealed class ReadmeRolesTableTests
{
    [Fact]
    public void The_README_roles_table_matches_the_permission_matrix()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var start = readme.IndexOf("<!-- roles-table:start -->", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- roles-table:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md lost its roles-table markers.");
        var lines = readme[start..end].Split('\n').Where(l => l.StartsWith('|')).ToList();
        var header = Cells(lines[0]);
        var roles = header.Skip(2).ToList();
        Assert.Equal(Roles.Staff, roles);

        var documented = new Dictionary<string, string[]>();
        foreach (var line in lines.Skip(2))
        {
            var cells = Cells(line);
            var permission = cells[0].Trim('`');
            documented[permission] = roles.Where((_, i) => cells[i + 2] == "✓").ToArray();
        }
        Assert.Equal(Permissions.Matrix.Keys.Order(), documented.Keys.Order());
        foreach (var (permission, allowed) in Permissions.Matrix)
            Assert.True(allowed.Order().SequenceEqual(documented[permission].Order()), $"README says {permission} is for {string.Join(", ", documented[permission])}; the code says {string.Join(", ", allowed)}.");
    }

    private static List<string> Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        // The binaries, or failing that (built with --artifacts-path elsewhere) this source file, sit inside the repository.
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(source) ?? "" })
        {
            var dir = new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pharos.slnx"))) dir = dir.Parent;
            if (dir is not null) return dir.FullName;
        }
        throw new InvalidOperationException("Run the tests inside the repository (Pharos.slnx not found).");
    }
}
