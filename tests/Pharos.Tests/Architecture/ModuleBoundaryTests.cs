using System.Reflection;
using NetArchTest.Rules;

namespace Pharos.Tests.Architecture;

/// <summary>
/// The modular monolith's boundaries (ARCHITECTURE.md): Platform is used by every module and uses none; a module
/// uses another only through its Public namespace. Modules that do not exist yet are listed so the rule holds the
/// day they arrive.
/// </summary>
public sealed class ModuleBoundaryTests
{
    private static readonly Assembly App = typeof(Pharos.Platform.Data.PharosDb).Assembly;

    public static readonly string[] Modules = ["Pharos.Customers", "Pharos.Service", "Pharos.Knowledge", "Pharos.Requirements", "Pharos.Contracts", "Pharos.Analytics"];

    public static TheoryData<string> ModuleRoots() => [.. Modules];

    /// <summary>
    /// What others may not touch in a module: every namespace under it except its Public one, and the types that sit
    /// in its root namespace (NetArchTest matches a namespace with everything beneath it, Public included, so the
    /// root is listed type by type).
    /// </summary>
    private static string[] Internals(string module)
    {
        var types = App.GetTypes().Where(t => t.Namespace is { } ns && (ns == module || ns.StartsWith(module + ".", StringComparison.Ordinal))).ToList();
        var subNamespaces = types.Select(t => t.Namespace!).Where(ns => ns != module && ns != module + ".Public" && !ns.StartsWith(module + ".Public.", StringComparison.Ordinal)).Distinct();
        var rootTypes = types.Where(t => t.Namespace == module && !t.IsNested).Select(t => t.FullName!);
        return [.. subNamespaces, .. rootTypes];
    }

    private static IEnumerable<string> Violations(string from, string to)
    {
        var internals = Internals(to);
        if (internals.Length == 0) return [];
        var result = Types.InAssembly(App).That().ResideInNamespace(from).ShouldNot().HaveDependencyOnAny(internals).GetResult();
        return result.IsSuccessful ? [] : result.FailingTypeNames ?? [];
    }

    [Fact]
    public void Platform_depends_on_no_module_and_not_on_seeding()
    {
        var result = Types.InAssembly(App).That().ResideInNamespace("Pharos.Platform")
            .ShouldNot().HaveDependencyOnAny([.. Modules, "Pharos.Seeding"]).GetResult();

        Assert.True(result.IsSuccessful, "Platform types that use a module: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Theory]
    [MemberData(nameof(ModuleRoots))]
    public void A_module_uses_other_modules_only_through_their_Public_namespace(string module)
    {
        var violations = Modules.Where(other => other != module).SelectMany(other => Violations(module, other).Select(t => $"{t} → {other}")).ToList();

        Assert.True(violations.Count == 0, "Types that reach into another module's internals: " + string.Join(", ", violations));
    }

    [Fact]
    public void The_boundary_rule_sees_a_dependency_on_a_modules_internals()
    {
        // Seeding is the composition root and may use everything: it is the known case the rule must catch.
        Assert.NotEmpty(Violations("Pharos.Seeding", "Pharos.Customers"));
    }

    [Fact]
    public void Public_types_do_not_count_as_internals()
    {
        var internals = Internals("Pharos.Customers");

        Assert.Contains("Pharos.Customers.Accounts", internals);
        Assert.Contains("Pharos.Customers.CustomersModule", internals);
        Assert.DoesNotContain(internals, i => i.StartsWith("Pharos.Customers.Public", StringComparison.Ordinal));
        Assert.DoesNotContain("Pharos.Customers", internals);
    }
}
