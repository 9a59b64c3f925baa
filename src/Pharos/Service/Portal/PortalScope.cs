using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;
using Pharos.Service.Tickets;

namespace Pharos.Service.Portal;

/// <summary>
/// What a portal user may see: their own account, and within it everything (a customer administrator or decision
/// maker) or only the tickets they opened (a business user).
/// </summary>
public sealed record PortalScope(Guid UserId, string Name, Guid AccountId, Guid? ContactId, bool SeesWholeAccount)
{
    public static async Task<PortalScope> ForAsync(ClaimsPrincipal principal, PharosDb db, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId) || !principal.IsInRole(Roles.Portal))
            throw new NotFound("Ticket");
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.Kind == UserKind.Portal)
            .Select(u => new { u.DisplayName, u.AccountId, u.ContactId }).FirstOrDefaultAsync(ct) ?? throw new NotFound("Ticket");
        var role = user.ContactId is { } c ? await CustomerDirectory.Contacts(db).Where(x => x.Id == c).Select(x => (ContactRole?)x.Role).FirstOrDefaultAsync(ct) : null;
        return new PortalScope(userId, user.DisplayName, user.AccountId!.Value, user.ContactId, role is ContactRole.Administrator or ContactRole.DecisionMaker);
    }

    public Author Author => new(UserId, Name, IsCustomer: true);

    /// <summary>Another account's ticket, or a colleague's for a business user, is "not found" — never "forbidden", which would confirm it exists.</summary>
    public async Task EnsureCanSeeAsync(PharosDb db, Guid ticketId, CancellationToken ct)
    {
        var ok = await db.Set<Ticket>().AnyAsync(t => t.Id == ticketId && t.AccountId == AccountId && (SeesWholeAccount || t.RequesterUserId == UserId), ct);
        if (!ok) throw new NotFound("Ticket");
    }
}
