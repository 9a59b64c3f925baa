using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Pharos.Analytics.Insights;
using Pharos.Platform.Data;

namespace Pharos.Analytics.Queries;

/// <summary>
/// A query builder page. Its state lives in the link: <c>?insight=</c> opens a saved insight, and every run writes the
/// query to <c>?q=</c>, so reloading, bookmarking or sending the link reproduces the answer.
/// </summary>
public abstract class BuilderPage<TRequest> : AnalyticsComponent where TRequest : class
{
    private bool _loaded;
    private string? _shownQ;
    private Guid? _shownInsight;

    [SupplyParameterFromQuery(Name = "insight")] public Guid? InsightId { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Q { get; set; }
    [Inject] protected NavigationManager Nav { get; set; } = default!;
    [Inject] private IDbContextFactory<PharosDb> Dbs { get; set; } = default!;

    protected abstract InsightKind Kind { get; }
    /// <summary>The insight the builder was opened from (or last saved as).</summary>
    protected InsightHead? Insight { get; private set; }

    /// <summary>The query the form describes now; the API's checks (Compile) judge it.</summary>
    protected abstract TRequest BuildRequest();
    /// <summary>The relative range of the form (last N days), or null for fixed dates.</summary>
    protected abstract int? RangeDays { get; }
    protected abstract void Load(TRequest request, int? rangeDays);
    /// <summary>Runs the query and keeps its answer; false when it failed (the reason is in Error).</summary>
    protected abstract Task<bool> ExecuteAsync(TRequest request);

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded && Q == _shownQ && InsightId == _shownInsight) return; // our own NavigateTo after a run
        _loaded = true;
        _shownQ = Q;
        _shownInsight = InsightId;
        var json = SavedQuery.Decode(Q);
        Insight = null;
        if (InsightId is { } id)
        {
            await using var db = await Dbs.CreateDbContextAsync();
            if (await InsightHeads.LoadAsync(db, id, default) is { } saved && saved.Head.Kind == Kind)
            {
                Insight = saved.Head;
                json ??= saved.Definition;
            }
            else Snackbar.Add(Text["This insight no longer exists."], Severity.Warning);
        }
        if (json is not { } j) return;
        try
        {
            Load(SavedQuery.FromJson<TRequest>(j, Time.GetUtcNow(), out var days), days);
        }
        catch (JsonException)
        {
            Snackbar.Add(Text["The link does not hold a query of this page; start a new one."], Severity.Warning);
            return;
        }
        // The prerendered page only shows the form; the live circuit runs the query.
        if (RendererInfo.IsInteractive) await RunAsync();
    }

    protected async Task RunAsync()
    {
        var request = BuildRequest();
        if (!await ExecuteAsync(request)) return;
        _shownQ = SavedQuery.Encode(SavedQuery.ToJson(request, RangeDays));
        Nav.NavigateTo(Nav.GetUriWithQueryParameters(new Dictionary<string, object?> { ["q"] = _shownQ, ["insight"] = Insight?.Id }), replace: true);
    }

    /// <summary>What "Save as insight" stores.</summary>
    protected JsonElement? CurrentDefinition() => SavedQuery.ToJson(BuildRequest(), RangeDays);

    protected async Task OnSavedAsync(InsightRow row)
    {
        await using (var db = await Dbs.CreateDbContextAsync())
            Insight = await InsightHeads.Query(db, i => i.Id == row.Id).FirstOrDefaultAsync();
        _shownInsight = row.Id;
        _shownQ = SavedQuery.Encode(row.Definition);
        Nav.NavigateTo(Nav.GetUriWithQueryParameters(new Dictionary<string, object?> { ["q"] = _shownQ, ["insight"] = row.Id }), replace: true);
    }
}
