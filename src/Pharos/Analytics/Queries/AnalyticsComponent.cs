using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Pharos.Components.Shared;
using Pharos.Platform.Problems;

namespace Pharos.Analytics.Queries;

/// <summary>
/// Base of the builders and dashboard cards: one query at a time, cancellable by the user and cancelled when the page
/// goes away (a circuit outlives the tab only briefly, and a scan left running would hold a database connection).
/// A broken rule keeps its field so the builder can show it next to that field.
/// </summary>
public abstract class AnalyticsComponent : PharosComponent, IDisposable
{
    private CancellationTokenSource? _run;
    private long _started;

    [Inject] private IOptions<AnalyticsOptions> Options { get; set; } = default!;
    [Inject] protected TimeProvider Time { get; set; } = default!;

    protected bool Running => _run is not null;
    protected string? Error { get; private set; }
    /// <summary>The request field the error is about ("steps[1]", "window", …), or null.</summary>
    protected string? ErrorField { get; private set; }
    protected TimeSpan? Took { get; private set; }

    /// <summary>Runs <paramref name="work"/> in its own scope; null when it failed or was cancelled (the reason is in <see cref="Error"/>).</summary>
    protected async Task<T?> RunQueryAsync<T>(Func<IServiceProvider, CancellationToken, Task<T>> work) where T : class
    {
        _run?.Cancel();
        var cts = new CancellationTokenSource();
        _run = cts;
        Error = ErrorField = null;
        _started = Stopwatch.GetTimestamp();
        StateHasChanged();
        try
        {
            // Off the circuit's thread: the stores read rows synchronously for long stretches, which would freeze the page
            // (and its Cancel button) until the answer came.
            var result = await InScopeAsync(sp => Task.Run(() => work(sp, cts.Token), cts.Token));
            Took = Stopwatch.GetElapsedTime(_started);
            return cts.IsCancellationRequested ? null : result;
        }
        catch (RuleViolation rv) when (rv.Status == StatusCodes.Status422UnprocessableEntity)
        {
            // QueryRunner's time-out says its seconds in English only; say it in the reader's language.
            Error = string.Format(CultureInfo.CurrentCulture, Text["The query ran longer than {0} seconds and was stopped. Narrow the dates or add filters."],
                (int)Options.Value.QueryTimeout.TotalSeconds);
        }
        catch (RuleViolation rv)
        {
            Error = Localize(rv);
            ErrorField = rv.Field;
        }
        catch (Exception) when (cts.IsCancellationRequested)
        {
            // Cancelled by the user or a newer run: a database may report the interruption as its own exception.
            if (_run == cts) Error = Text["The query was cancelled."];
        }
        finally
        {
            if (_run == cts) _run = null;
            cts.Dispose();
        }
        return null;
    }

    protected void Cancel() => _run?.Cancel();

    protected string Elapsed => Took is { } t ? string.Format(CultureInfo.CurrentCulture, Text["{0:0.0} s"], t.TotalSeconds) : "";

    /// <summary>The error when it concerns this field (or one of its parts, e.g. "steps" for "steps[1]" is not matched).</summary>
    protected string? ErrorFor(string field) => string.Equals(ErrorField, field, StringComparison.OrdinalIgnoreCase) ? Error : null;

    public void Dispose()
    {
        _run?.Cancel();
        GC.SuppressFinalize(this);
    }
}
