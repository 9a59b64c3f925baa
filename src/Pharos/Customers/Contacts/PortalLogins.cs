using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Customers.Contacts;

public sealed record CreatePortalLoginRequest(string? Password);

/// <summary>
/// A portal login is made from a contact, so it belongs to that contact's account and no other: the rule
/// "a portal user is bound to one account" holds by construction (and by a check constraint underneath).
/// </summary>
public sealed class PortalLogins(PharosDb db, UserManager<PharosUser> users, TimeProvider time)
{
    public async Task<PharosUser> CreateAsync(Guid contactId, string? password, Actor actor, CancellationToken ct = default)
    {
        var contact = await db.Set<Contact>().FirstOrDefaultAsync(c => c.Id == contactId, ct) ?? throw new NotFound("Contact");
        if (string.IsNullOrWhiteSpace(contact.Email)) throw RuleViolation.BadField("email", "The contact needs an email address to sign in.");
        if (await db.Users.AnyAsync(u => u.ContactId == contactId, ct)) throw new RuleViolation("This contact already has a portal login.");
        if (string.IsNullOrEmpty(password)) throw RuleViolation.BadField("password", "A password is required.");
        var user = new PharosUser
        {
            Email = contact.Email, UserName = contact.Email, DisplayName = contact.Name, Kind = UserKind.Portal,
            AccountId = contact.AccountId, ContactId = contact.Id, EmailConfirmed = true, CreatedAt = time.GetUtcNow(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) throw IdentityApi.IdentityProblem(created);
        var role = await users.AddToRoleAsync(user, Roles.Portal);
        if (!role.Succeeded) throw IdentityApi.IdentityProblem(role);
        db.Audit(actor, time.GetUtcNow(), "Account", contact.AccountId, "portal-login-created", new { contact.Name, contact.Email });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }
}

public static class PortalLoginsApi
{
    public static RouteGroupBuilder MapPortalLogins(this RouteGroupBuilder api)
    {
        api.MapPost("/contacts/{id:guid}/portal-login", async (Guid id, CreatePortalLoginRequest req, PortalLogins logins, CurrentUser user, CancellationToken ct) =>
            {
                var u = await logins.CreateAsync(id, req.Password, await user.ActorAsync(), ct);
                return TypedResults.Created($"/api/users/{u.Id}", new UserRow(u.Id, u.Email, u.DisplayName, u.Kind, [Roles.Portal], u.AccountId));
            })
            .RequireAuthorization(Permissions.UsersManage)
            .WithTags("Contacts")
            .WithSummary("Gives a contact a customer-portal login bound to the contact's account.");
        return api;
    }
}
