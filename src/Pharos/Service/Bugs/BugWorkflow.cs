using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;
using Pharos.Service.Public;
using Pharos.Service.Tickets;

namespace Pharos.Service.Bugs;

public sealed record ReproductionInput(
    [property: StringLength(BugReport.TextMax, ErrorMessage = "At most 4,000 characters.")] string? Steps,
    [property: StringLength(BugReport.TextMax, ErrorMessage = "At most 4,000 characters.")] string? Environment,
    [property: StringLength(BugReport.TextMax, ErrorMessage = "At most 4,000 characters.")] string? Expected,
    [property: StringLength(BugReport.TextMax, ErrorMessage = "At most 4,000 characters.")] string? Actual);

public sealed record ClassificationInput(Guid? CategoryId, RootCause? RootCause,
    [property: StringLength(BugReport.TextMax, ErrorMessage = "At most 4,000 characters.")] string? RootCauseNote);

public sealed record HandoverInput(Guid? DevOwnerId, Guid? TestOwnerId, string? ExternalLink, string? ExternalState);

public sealed record CoordinationInput(string? ExternalLink, string? ExternalState, bool Fixed);

public sealed record BugView(Guid TicketId, BugStage Stage, string? Steps, string? Environment, string? Expected, string? Actual, bool HasEvidence,
    Guid? CategoryId, string? CategoryPath, RootCause? RootCause, string? RootCauseNote, Guid? DevOwnerId, string? DevOwnerName, Guid? TestOwnerId, string? TestOwnerName,
    string? ExternalLink, string? ExternalState, DateTimeOffset? ReproducedAt, DateTimeOffset? ClassifiedAt, DateTimeOffset? HandedOverAt, DateTimeOffset? FixedAt,
    IReadOnlyList<string> MissingForHandover);

/// <summary>
/// The bug workflow of DOMAIN.md §3. Each step checks what the next team needs: development gets a bug only with steps,
/// environment, expected and actual results and a screenshot or log on the ticket, classified by category and root cause.
/// </summary>
public sealed class BugWorkflow(PharosDb db, TimeProvider time)
{
    private static readonly string[] EvidenceTypes = ["image/", "text/plain", "application/pdf", "application/zip", "application/json", "text/csv", "application/xml", "text/xml"];

    public async Task<BugView> ViewAsync(Guid ticketId, CancellationToken ct)
    {
        var ticket = await db.Set<Ticket>().AsNoTracking().Where(t => t.Id == ticketId).Select(t => new { t.Kind }).FirstOrDefaultAsync(ct) ?? throw new NotFound("Ticket");
        if (ticket.Kind != TicketKind.ProductionProblem) throw new RuleViolation("Only production problems have a bug workflow; change the ticket's kind first.");
        var bug = await db.Set<BugReport>().AsNoTracking().FirstOrDefaultAsync(b => b.TicketId == ticketId, ct) ?? new BugReport { TicketId = ticketId };
        var evidence = await HasEvidenceAsync(ticketId, ct);
        var paths = await BugCategories.PathsAsync(db, ct);
        var names = await db.Users.Where(u => u.Id == bug.DevOwnerId || u.Id == bug.TestOwnerId).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return new BugView(ticketId, bug.Stage, bug.Steps, bug.Environment, bug.Expected, bug.Actual, evidence, bug.CategoryId,
            bug.CategoryId is { } c ? paths.GetValueOrDefault(c) : null, bug.RootCause, bug.RootCauseNote,
            bug.DevOwnerId, bug.DevOwnerId is { } d ? names.GetValueOrDefault(d) : null, bug.TestOwnerId, bug.TestOwnerId is { } t ? names.GetValueOrDefault(t) : null,
            bug.ExternalLink, bug.ExternalState, bug.ReproducedAt, bug.ClassifiedAt, bug.HandedOverAt, bug.FixedAt, Missing(bug, evidence));
    }

    /// <summary>Step 1. Saving complete details with evidence on the ticket marks the bug reproduced.</summary>
    public async Task<BugView> SaveReproductionAsync(Guid ticketId, ReproductionInput input, Actor actor, CancellationToken ct)
    {
        RuleViolation.ThrowIfInvalid(input);
        var bug = await LoadAsync(ticketId, ct);
        var now = time.GetUtcNow();
        (bug.Steps, bug.Environment, bug.Expected, bug.Actual) = (Clean(input.Steps), Clean(input.Environment), Clean(input.Expected), Clean(input.Actual));
        var complete = bug is { Steps: not null, Environment: not null, Expected: not null, Actual: not null } && await HasEvidenceAsync(ticketId, ct);
        if (complete && bug.Stage == BugStage.Reproducing) { bug.Stage = BugStage.Reproduced; bug.ReproducedAt = now; }
        if (!complete && bug.Stage == BugStage.Reproduced) { bug.Stage = BugStage.Reproducing; bug.ReproducedAt = null; }
        return await SaveAsync(bug, actor, "bug-reproduction", input, now, ct);
    }

    /// <summary>Step 2. Classification needs a reproduced bug: a cause is only known once the problem is.</summary>
    public async Task<BugView> ClassifyAsync(Guid ticketId, ClassificationInput input, Actor actor, CancellationToken ct)
    {
        RuleViolation.ThrowIfInvalid(input);
        var bug = await LoadAsync(ticketId, ct);
        if (bug.Stage == BugStage.Reproducing) throw new RuleViolation("Reproduce the bug first: fill in steps, environment, expected and actual results, and attach a screenshot or log.");
        if (input.CategoryId is not { } category || !await db.Set<BugCategory>().AnyAsync(c => c.Id == category, ct))
            throw RuleViolation.BadField("categoryId", "Choose a category from the tree.");
        if (input.RootCause is not { } cause || !Enum.IsDefined(cause)) throw RuleViolation.BadField("rootCause", "Choose the root cause.");
        var now = time.GetUtcNow();
        (bug.CategoryId, bug.RootCause, bug.RootCauseNote) = (category, cause, Clean(input.RootCauseNote));
        bug.ClassifiedAt ??= now;
        if (bug.Stage == BugStage.Reproduced) bug.Stage = BugStage.Classified;
        return await SaveAsync(bug, actor, "bug-classified", input, now, ct);
    }

    /// <summary>Step 3. Hands the bug to development; refused with every missing item named.</summary>
    public async Task<BugView> HandOverAsync(Guid ticketId, HandoverInput input, Actor actor, CancellationToken ct)
    {
        var bug = await LoadAsync(ticketId, ct);
        var missing = Missing(bug, await HasEvidenceAsync(ticketId, ct));
        if (missing.Count > 0)
            throw RuleViolation.Format(missing[0], "Not ready for development; missing: {0}.", string.Join(", ", missing));
        if (input.DevOwnerId is not { } dev || !await IsStaffAsync(dev, ct)) throw RuleViolation.BadField("devOwnerId", "Name the developer who owns the fix.");
        if (input.TestOwnerId is { } tester && !await IsStaffAsync(tester, ct)) throw RuleViolation.BadField("testOwnerId", "The test owner must be a staff user.");
        var now = time.GetUtcNow();
        (bug.DevOwnerId, bug.TestOwnerId, bug.ExternalLink, bug.ExternalState) = (dev, input.TestOwnerId, Link(input.ExternalLink), Clean(input.ExternalState) ?? "open");
        bug.HandedOverAt ??= now;
        if (bug.Stage < BugStage.InDevelopment) bug.Stage = BugStage.InDevelopment;
        return await SaveAsync(bug, actor, "bug-handed-over", input, now, ct);
    }

    /// <summary>Keeps the external issue's state in step; marking it fixed ends the bug's coordination (the ticket is resolved separately, with the customer).</summary>
    public async Task<BugView> CoordinateAsync(Guid ticketId, CoordinationInput input, Actor actor, CancellationToken ct)
    {
        var bug = await LoadAsync(ticketId, ct);
        if (bug.Stage < BugStage.InDevelopment) throw new RuleViolation("Hand the bug over to development first.");
        var now = time.GetUtcNow();
        bug.ExternalLink = Link(input.ExternalLink) ?? bug.ExternalLink;
        bug.ExternalState = Clean(input.ExternalState) ?? bug.ExternalState;
        if (input.Fixed && bug.Stage != BugStage.Fixed) { bug.Stage = BugStage.Fixed; bug.FixedAt = now; }
        if (!input.Fixed && bug.Stage == BugStage.Fixed) { bug.Stage = BugStage.InDevelopment; bug.FixedAt = null; }
        return await SaveAsync(bug, actor, "bug-coordinated", input, now, ct);
    }

    internal static List<string> Missing(BugReport bug, bool evidence)
    {
        var missing = new List<string>();
        if (bug.Steps is null) missing.Add("steps");
        if (bug.Environment is null) missing.Add("environment");
        if (bug.Expected is null) missing.Add("expected");
        if (bug.Actual is null) missing.Add("actual");
        if (!evidence) missing.Add("attachments");
        if (bug.CategoryId is null) missing.Add("categoryId");
        if (bug.RootCause is null) missing.Add("rootCause");
        return missing;
    }

    private async Task<BugReport> LoadAsync(Guid ticketId, CancellationToken ct)
    {
        var kind = await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => (TicketKind?)t.Kind).FirstOrDefaultAsync(ct) ?? throw new NotFound("Ticket");
        if (kind != TicketKind.ProductionProblem) throw new RuleViolation("Only production problems have a bug workflow; change the ticket's kind first.");
        var bug = await db.Set<BugReport>().FirstOrDefaultAsync(b => b.TicketId == ticketId, ct);
        if (bug is null) db.Add(bug = new BugReport { TicketId = ticketId });
        return bug;
    }

    private async Task<BugView> SaveAsync(BugReport bug, Actor actor, string action, object input, DateTimeOffset now, CancellationToken ct)
    {
        bug.UpdatedAt = now;
        db.Add(new TicketEntry { TicketId = bug.TicketId, At = now, Type = EntryType.Event, AuthorId = actor.UserId, AuthorName = actor.Name, Field = "bug", NewValue = bug.Stage.ToString() });
        db.Audit(actor, now, "Ticket", bug.TicketId, action, input);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(bug.TicketId, ct);
    }

    /// <summary>A screenshot or a log: any image or text-like file on the ticket (a public reply's or an internal note's).</summary>
    private async Task<bool> HasEvidenceAsync(Guid ticketId, CancellationToken ct) =>
        (await db.Set<TicketAttachment>().Where(a => a.TicketId == ticketId).Select(a => a.ContentType).ToListAsync(ct))
            .Any(type => EvidenceTypes.Any(e => type.StartsWith(e, StringComparison.OrdinalIgnoreCase)));

    private Task<bool> IsStaffAsync(Guid id, CancellationToken ct) => db.Users.AnyAsync(u => u.Id == id && u.Kind == UserKind.Staff, ct);

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string? Link(string? url)
    {
        if (Clean(url) is not { } u) return null;
        if (u.Length > 500 || !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw RuleViolation.BadField("externalLink", "The external issue link must be an http(s) address.");
        return u;
    }
}
