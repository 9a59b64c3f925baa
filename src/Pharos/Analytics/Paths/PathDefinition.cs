using System.ComponentModel.DataAnnotations;
using Pharos.Analytics.Store;

namespace Pharos.Analytics.Paths;

public enum PathDirection
{
    /// <summary>What people did next: from the pivot (or a session's first event) forward.</summary>
    After,
    /// <summary>What people did before: from the pivot (or a session's last event) backward.</summary>
    Before,
}

/// <summary>
/// Paths through the rows' <see cref="ScanRow.Label"/>s (event name, or page path for page views). The scan decides
/// which events are nodes: <see cref="EventScan.AllEvents"/> for every event.
/// </summary>
public sealed record PathDefinition : IValidatableObject
{
    public const int MaxSteps = 5;

    /// <summary>The label paths start (After) or end (Before) at; null: a session's first (After) or last (Before) event.</summary>
    public string? Pivot { get; init; }
    public PathDirection Direction { get; init; } = PathDirection.After;
    /// <summary>How many transitions from the pivot, 1 to 5.</summary>
    public int Steps { get; init; } = MaxSteps;
    /// <summary>Events further apart than this (strictly) are in different sessions, and no path crosses sessions.</summary>
    public TimeSpan SessionGap { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>Edges per step that keep their target; the others lead to "(other)" and end there.</summary>
    public int EdgesPerStep { get; init; } = 10;
    /// <summary>Repeats of one label in a row count as one node (a reload, a double click).</summary>
    public bool CollapseRepeats { get; init; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Steps is < 1 or > MaxSteps)
            yield return new ValidationResult($"Paths have 1 to {MaxSteps} steps.", [nameof(Steps)]);
        if (SessionGap <= TimeSpan.Zero)
            yield return new ValidationResult("The session gap must be positive.", [nameof(SessionGap)]);
        if (EdgesPerStep < 1)
            yield return new ValidationResult("At least one edge per step.", [nameof(EdgesPerStep)]);
    }

    internal void ThrowIfInvalid()
    {
        var errors = Validate(new ValidationContext(this)).Select(e => e.ErrorMessage).ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
    }
}

/// <summary>
/// One link of the diagram, always in time order: <paramref name="From"/> happened before <paramref name="To"/>.
/// After: step k links the node k−1 transitions after the pivot to the node k after it. Before: step k links the
/// node k transitions before the pivot to the node k−1 before it.
/// </summary>
/// <param name="Persons">Distinct people with at least one path through this link.</param>
/// <param name="Paths">Paths through this link (a person may have several, one per session).</param>
public sealed record PathEdge(int Step, string From, string To, int Persons, int Paths);

/// <param name="Edges">By step; within a step the kept links by rank, then the links into "(other)".</param>
/// <param name="Persons">People with at least one path.</param>
/// <param name="Paths">Sessions that hold the pivot (or every session without one).</param>
public sealed record PathResult(IReadOnlyList<PathEdge> Edges, int Persons, int Paths);
