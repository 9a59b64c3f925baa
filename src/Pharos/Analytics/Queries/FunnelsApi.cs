using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Pharos.Analytics.Funnels;
using Pharos.Analytics.Store;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Queries;

public enum WindowUnit { Minute, Hour, Day, Week }

public sealed record FunnelExclusionInput(EventInput? Event, int FromStep, int ToStep);

public sealed record FunnelRequest
{
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required IReadOnlyList<EventInput> Steps { get; init; }
    public int Window { get; init; } = 14;
    public WindowUnit WindowUnit { get; init; } = WindowUnit.Day;
    public FunnelOrder Order { get; init; } = FunnelOrder.Sequential;
    public IReadOnlyList<FunnelExclusionInput>? Exclusions { get; init; }
    public CountBy CountBy { get; init; } = CountBy.Person;
    public Breakdown? Breakdown { get; init; }
    public QueryFilters? Filters { get; init; }
}

public sealed record FunnelUnitsRequest(FunnelRequest Funnel, int Step, bool Dropped, string? Breakdown, int? Limit);

/// <summary>Funnels over the event store: the request becomes one scan (steps and exclusions as matchers) and the engine's definition.</summary>
public static class FunnelsApi
{
    internal static (EventScan Scan, FunnelDefinition Definition) Compile(FunnelRequest r)
    {
        QueryRunner.CheckRange(r.From, r.To);
        if (r.Steps is null || r.Steps.Count is < FunnelDefinition.MinSteps or > FunnelDefinition.MaxSteps)
            throw RuleViolation.BadField("steps", "A funnel has 2 to 10 steps.");
        var window = r.WindowUnit switch
        {
            WindowUnit.Minute => TimeSpan.FromMinutes(r.Window), WindowUnit.Hour => TimeSpan.FromHours(r.Window),
            WindowUnit.Week => TimeSpan.FromDays(7 * r.Window), _ => TimeSpan.FromDays(r.Window),
        };
        if (r.Window < 1 || window > TimeSpan.FromDays(366)) throw RuleViolation.BadField("window", "The conversion window is from one minute to a year.");
        var set = new MatcherSet();
        var steps = r.Steps.Select((s, i) => set.Add(s, $"steps[{i}]")).ToList();
        var exclusions = (r.Exclusions ?? []).Select((x, i) =>
        {
            var m = set.Add(x.Event, $"exclusions[{i}]");
            if (steps.Contains(m)) throw RuleViolation.BadField($"exclusions[{i}]", "An exclusion cannot be one of the steps.");
            if (x.FromStep < 1 || x.ToStep > steps.Count || x.FromStep >= x.ToStep) throw RuleViolation.BadField($"exclusions[{i}]", "An exclusion runs from one step to a later one.");
            if (r.Order == FunnelOrder.AnyOrder && (x.FromStep != 1 || x.ToStep != steps.Count)) throw RuleViolation.BadField($"exclusions[{i}]", "In an any-order funnel an exclusion spans the whole funnel.");
            return new FunnelExclusion(m, x.FromStep, x.ToStep);
        }).ToList();
        var definition = new FunnelDefinition
        {
            Steps = steps, ConversionWindow = window, Order = r.Order, Exclusions = exclusions, CountBy = r.CountBy,
            Breakdown = r.Breakdown is { Property: not null } or { AccountField: not null },
        };
        // As PostHog: every step must fall inside the date range; a conversion that finishes after it is not counted.
        return (set.Scan(r.From, r.To, r.Filters, r.Breakdown, allEvents: definition.NeedsAllEvents, withAccount: r.CountBy == CountBy.Account, withLabel: false), definition);
    }

    public static RouteGroupBuilder MapFunnels(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/analytics/funnels").WithTags("Analytics").RequireAuthorization(Permissions.AnalyticsRead);
        g.MapPost("/", async (FunnelRequest request, IEventStore store, QueryRunner runner, CancellationToken ct) =>
            {
                var (scan, definition) = Compile(request);
                return TypedResults.Ok(await runner.RunAsync(t => FunnelEngine.RunAsync(definition, store.ScanAsync(scan, t), t), ct));
            })
            .WithSummary("A funnel of 2–10 steps: conversion, drop-off and median time per step, by person or account, with an optional breakdown. See docs/analytics-semantics.md.");
        g.MapPost("/units", async (FunnelUnitsRequest request, string? format, IEventStore store, QueryRunner runner, CancellationToken ct) =>
                await UnitsAsync(request, format, store, runner, ct))
            .WithSummary("The people or accounts who reached (dropped=false) or dropped at (dropped=true) a step; ?format=csv for a file.");
        g.MapGet("/units.csv", async (string q, IEventStore store, QueryRunner runner, CancellationToken ct) =>
            {
                var request = SavedQuery.Decode(q)?.Deserialize<FunnelUnitsRequest>(Json);
                return await UnitsAsync(request ?? throw RuleViolation.BadField("q", "The export link is damaged; run the funnel again."), "csv", store, runner, ct);
            })
            .WithSummary("The same list as a CSV download, the request base64url-encoded in q (the funnel page makes these links).");
        return api;
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static async Task<Results<Ok<FunnelUnits>, FileContentHttpResult>> UnitsAsync(FunnelUnitsRequest request, string? format, IEventStore store, QueryRunner runner, CancellationToken ct)
    {
        var (scan, definition) = Compile(request.Funnel);
        if (request.Step < 1 || request.Step > definition.Steps.Count || (request.Dropped && request.Step < 2))
            throw RuleViolation.BadField("step", "Choose a step of the funnel (dropped at: from step 2).");
        var asCsv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        var limit = Math.Clamp(request.Limit ?? (asCsv ? runner.MaxRows : 100), 1, runner.MaxRows);
        var units = await runner.RunAsync(t => FunnelEngine.ListUnitsAsync(definition, new FunnelUnitsQuery(request.Step, request.Dropped, request.Breakdown, limit),
            store.ScanAsync(scan with { PersonNames = true }, t), t), ct);
        if (!asCsv) return TypedResults.Ok(units);
        using var ms = new MemoryStream();
        // The BOM makes Excel read Chinese UTF-8; escaping stops a spreadsheet running a leading =, +, - or @ as a formula.
        using (var w = new StreamWriter(ms, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvHelper.CsvWriter(w, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture)
                   { NewLine = "\n", InjectionOptions = CsvHelper.Configuration.InjectionOptions.Escape }))
        {
            csv.WriteField(definition.CountBy == CountBy.Account ? "account" : "person");
            csv.NextRecord();
            foreach (var u in units.Units) { csv.WriteField(u); csv.NextRecord(); }
            if (units.Truncated) { csv.WriteField($"# truncated: {units.Units.Count} of {units.Total}"); csv.NextRecord(); }
        }
        var name = $"funnel-step{request.Step}-{(request.Dropped ? "dropped" : "reached")}.csv";
        return TypedResults.File(ms.ToArray(), "text/csv; charset=utf-8", name);
    }
}
