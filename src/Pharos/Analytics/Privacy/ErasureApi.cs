using Pharos.Analytics.Store;
using Pharos.Customers.Public;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;
using Microsoft.EntityFrameworkCore;

namespace Pharos.Analytics.Privacy;

/// <summary>Give either a person's id (user id or anonymous id) or an account of the customer book.</summary>
public sealed record ErasureInput(string? Person, Guid? AccountId);
public sealed record ErasureResult(long Deleted);

/// <summary>
/// A person's or an account's request to be forgotten (PIPL art. 47, GDPR art. 17): every event of theirs is deleted
/// and the erasure is audited (who asked it, for which id, how many events went).
/// </summary>
public static class ErasureApi
{
    internal static async Task<ErasureResult> EraseAsync(PharosDb db, IEventStore store, ErasureInput input, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var person = input.Person?.Trim();
        if (string.IsNullOrEmpty(person) == (input.AccountId is null))
            throw RuleViolation.BadField("person", "Give either a person's id or an account, not both.");
        long deleted;
        Guid entity;
        object detail;
        if (input.AccountId is { } accountId)
        {
            var account = await CustomerDirectory.Accounts(db).Where(a => a.Id == accountId).Select(a => new { a.Name, a.ExternalId }).FirstOrDefaultAsync(ct)
                ?? throw RuleViolation.BadField("accountId", "No such account.");
            if (string.IsNullOrEmpty(account.ExternalId))
                throw RuleViolation.BadField("accountId", "This account has no external id, so no event can name it.");
            deleted = await store.DeleteAccountAsync(account.ExternalId, ct);
            entity = accountId;
            detail = new { account = account.Name, externalId = account.ExternalId, deleted };
        }
        else
        {
            if (person!.Length > 256) throw RuleViolation.BadField("person", "An id is at most 256 characters.");
            deleted = await store.DeletePersonAsync(person, ct);
            entity = Guid.CreateVersion7();
            detail = new { person, deleted };
        }
        db.Audit(actor, now, "EventErasure", entity, "Erased", detail);
        await db.SaveChangesAsync(ct);
        return new ErasureResult(deleted);
    }

    public static RouteGroupBuilder MapErasure(this RouteGroupBuilder api)
    {
        api.MapPost("/analytics/erasures", async (ErasureInput input, PharosDb db, IEventStore store, CurrentUser user, TimeProvider time, CancellationToken ct) =>
                TypedResults.Ok(await EraseAsync(db, store, input, await user.NamedActorAsync(), time.GetUtcNow(), ct)))
            .RequireAuthorization(Permissions.AnalyticsAdmin).WithTags("Analytics")
            .WithSummary("Deletes every event of a person or of an account (privacy request), and audits it.");
        return api;
    }
}
