using Pharos.Platform.Data;

namespace Pharos.Tests.Infrastructure;

/// <summary>
/// The demo book (600 accounts, 13 staff) once per provider, shared by every test class of the collection: seeding
/// takes seconds. Tests in it only read the book or change accounts they created themselves (with zero revenue,
/// so nobody else's tier moves); tests that change the whole book (rules, imports) get an <see cref="EmptyBook"/>.
/// </summary>
public abstract class DemoBook : PharosApp
{
    public override string Seed => "Demo";
}

public sealed class DemoBookOnSqlite : DemoBook
{
    public const string Collection = "Demo book on SQLite";
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class DemoBookOnPostgres : DemoBook
{
    public const string Collection = "Demo book on PostgreSQL";
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

[CollectionDefinition(DemoBookOnSqlite.Collection)]
public sealed class DemoBookOnSqliteCollection : ICollectionFixture<DemoBookOnSqlite>;

[CollectionDefinition(DemoBookOnPostgres.Collection)]
public sealed class DemoBookOnPostgresCollection : ICollectionFixture<DemoBookOnPostgres>;

/// <summary>A fresh app per test class with no accounts and no demo staff (Seed=None).</summary>
public abstract class EmptyBook : PharosApp;

public sealed class EmptyBookOnSqlite : EmptyBook
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class EmptyBookOnPostgres : EmptyBook
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
