using Xunit.Abstractions;
using Xunit.Sdk;

namespace Pharos.Tests.Infrastructure;

/// <summary>
/// A test that talks to a database. Declared once in an abstract base class and run by one subclass per provider;
/// in the subclass marked <see cref="IPostgresSuite"/> it is reported as skipped when PHAROS_SKIP_POSTGRES=1.
/// The decision needs the concrete class, which only a discoverer sees, hence the discoverer below rather than
/// a Skip set in the attribute's constructor.
/// </summary>
[XunitTestCaseDiscoverer("Pharos.Tests.Infrastructure.DbFactDiscoverer", "Pharos.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class DbFactAttribute : FactAttribute;

/// <summary>The <see cref="DbFactAttribute"/> of theories.</summary>
[XunitTestCaseDiscoverer("Pharos.Tests.Infrastructure.DbTheoryDiscoverer", "Pharos.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class DbTheoryAttribute : TheoryAttribute;

/// <summary>Marks the concrete test classes that run against PostgreSQL.</summary>
public interface IPostgresSuite;

public sealed class DbFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new DbTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

public sealed class DbTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        DbTestCase.SkipReasonFor(testMethod) is not null
            ? [new DbTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);

    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow) =>
        [new DbTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, dataRow)];
}

public sealed class DbTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public DbTestCase() { }

    public DbTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod, object[]? arguments = null)
        : base(sink, display, options, testMethod, arguments) { }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => SkipReasonFor(TestMethod) ?? base.GetSkipReason(factAttribute);

    public static string? SkipReasonFor(ITestMethod testMethod) =>
        TestDatabases.PostgresSkipped && typeof(IPostgresSuite).IsAssignableFrom(testMethod.TestClass.Class.ToRuntimeType())
            ? $"PostgreSQL suite skipped ({TestDatabases.SkipVariable}=1)."
            : null;
}
