using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Customers.Teams;

public sealed record AddTeamMemberRequest(Guid? UserId, TeamRole? Role);

public sealed class TeamCommands(PharosDb db, TimeProvider time)
{
    public async Task<AccountTeamMember> AddAsync(Guid accountId, AddTeamMemberRequest req, Actor actor, CancellationToken ct = default)
    {
        if (req.UserId is not { } userId) throw RuleViolation.BadField("userId", "Choose a staff member.");
        if (req.Role is not { } role) throw RuleViolation.BadField("role", "Choose the member's role on the team.");
        if (!await db.Set<Account>().AnyAsync(a => a.Id == accountId, ct)) throw new NotFound("Account");
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId && u.Kind == UserKind.Staff, ct)
            ?? throw RuleViolation.BadField("userId", "The member must be a staff user.");
        if (await db.Set<AccountTeamMember>().AnyAsync(m => m.AccountId == accountId && m.UserId == userId && m.Role == role, ct))
            throw RuleViolation.Format("role", "{0} already has this role on the team.", user.DisplayName);
        var member = new AccountTeamMember { AccountId = accountId, UserId = userId, Role = role };
        db.Add(member);
        db.Audit(actor, time.GetUtcNow(), nameof(Account), accountId, "team-member-added", new { user.DisplayName, Role = role.ToString() });
        await db.SaveChangesAsync(ct);
        return member;
    }

    public async Task RemoveAsync(Guid accountId, Guid memberId, Actor actor, CancellationToken ct = default)
    {
        var member = await db.Set<AccountTeamMember>().FirstOrDefaultAsync(m => m.Id == memberId && m.AccountId == accountId, ct) ?? throw new NotFound("Team member");
        var name = await db.Users.Where(u => u.Id == member.UserId).Select(u => u.DisplayName).FirstAsync(ct);
        db.Remove(member);
        db.Audit(actor, time.GetUtcNow(), nameof(Account), accountId, "team-member-removed", new { DisplayName = name, Role = member.Role.ToString() });
        await db.SaveChangesAsync(ct);
    }
}

public static class TeamsApi
{
    public static RouteGroupBuilder MapTeams(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/accounts/{accountId:guid}/team").WithTags("Accounts");
        g.MapPost("/", async (Guid accountId, AddTeamMemberRequest req, TeamCommands commands, CurrentUser user, CancellationToken ct) =>
            {
                var m = await commands.AddAsync(accountId, req, await user.ActorAsync(), ct);
                return TypedResults.Created($"/api/accounts/{accountId}/team/{m.Id}", new { m.Id, m.UserId, m.Role });
            })
            .RequireAuthorization(Permissions.CustomersWrite);
        g.MapDelete("/{memberId:guid}", async (Guid accountId, Guid memberId, TeamCommands commands, CurrentUser user, CancellationToken ct) =>
            {
                await commands.RemoveAsync(accountId, memberId, await user.ActorAsync(), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Permissions.CustomersWrite);
        return api;
    }
}
