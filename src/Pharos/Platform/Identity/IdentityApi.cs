using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Problems;

namespace Pharos.Platform.Identity;

public sealed record CreateTokenRequest([Required, StringLength(100, MinimumLength = 1)] string Name);
public sealed record TokenRow(Guid Id, string Name, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
public sealed record CreatedToken(Guid Id, string Name, string Token);
public sealed record CreateUserRequest(string? Email, string? DisplayName, string? Role, string? Password);
public sealed record UserRow(Guid Id, string? Email, string DisplayName, UserKind Kind, IReadOnlyList<string> Roles, Guid? AccountId);
public sealed record SetCultureRequest(string? Culture);

/// <summary>Personal API tokens: the logic behind the REST endpoints and the CLI verb.</summary>
public sealed class ApiTokens(PharosDb db, TimeProvider time)
{
    public async Task<CreatedToken> CreateAsync(Guid userId, string name, Actor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100) throw RuleViolation.BadField("name", "Name the token (1 to 100 characters).");
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) ?? throw new NotFound("User");
        if (user.Kind != UserKind.Staff) throw new RuleViolation("Only staff users have API tokens.");
        var (token, secret) = ApiToken.Create(userId, name.Trim(), time.GetUtcNow());
        db.Add(token);
        db.Audit(actor, token.CreatedAt, "User", userId, "api-token-created", new { token.Name, token.Hint });
        await db.SaveChangesAsync(ct);
        return new CreatedToken(token.Id, token.Name, secret);
    }

    /// <summary>Revokes one of the user's own tokens; another user's token id is "not found".</summary>
    public async Task RevokeAsync(Guid userId, Guid tokenId, Actor actor, CancellationToken ct = default)
    {
        var t = await db.Set<ApiToken>().FirstOrDefaultAsync(x => x.Id == tokenId && x.UserId == userId, ct) ?? throw new NotFound("Token");
        t.RevokedAt ??= time.GetUtcNow();
        db.Audit(actor, time.GetUtcNow(), "User", userId, "api-token-revoked", new { t.Name, t.Hint });
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Creating staff users: shared by the API and the admin page.</summary>
public sealed class StaffUsers(UserManager<PharosUser> userManager, PharosDb db, TimeProvider time)
{
    public async Task<PharosUser> CreateAsync(CreateUserRequest req, Actor actor)
    {
        if (string.IsNullOrWhiteSpace(req.Email) || !new EmailAddressAttribute().IsValid(req.Email)) throw RuleViolation.BadField("email", "A valid email is required.");
        if (string.IsNullOrWhiteSpace(req.DisplayName) || req.DisplayName.Length > 100) throw RuleViolation.BadField("displayName", "A display name of 1 to 100 characters is required.");
        if (req.Role is null || !Roles.Staff.Contains(req.Role)) throw RuleViolation.BadField("role", $"Role is one of {string.Join(", ", Roles.Staff)}.");
        if (string.IsNullOrEmpty(req.Password)) throw RuleViolation.BadField("password", "A password is required.");
        var user = new PharosUser { Email = req.Email.Trim(), UserName = req.Email.Trim(), DisplayName = req.DisplayName.Trim(), Kind = UserKind.Staff, CreatedAt = time.GetUtcNow(), EmailConfirmed = true };
        await using var tx = await db.Database.BeginTransactionAsync();
        var created = await userManager.CreateAsync(user, req.Password);
        if (!created.Succeeded) throw IdentityApi.IdentityProblem(created);
        var added = await userManager.AddToRoleAsync(user, req.Role);
        if (!added.Succeeded) throw IdentityApi.IdentityProblem(added);
        db.Audit(actor, time.GetUtcNow(), "User", user.Id, "created", new { user.Email, req.Role });
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return user;
    }
}

public static class IdentityApi
{
    public static RouteGroupBuilder MapIdentityApi(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Me").RequireAuthorization();

        me.MapGet("/", async (ClaimsPrincipal principal, UserManager<PharosUser> users) =>
            {
                var u = await users.GetUserAsync(principal) ?? throw new NotFound("User");
                return TypedResults.Ok(new { u.Id, u.Email, u.DisplayName, u.Kind, u.Culture, u.AccountId, Roles = await users.GetRolesAsync(u) });
            });

        me.MapPut("/culture", async (SetCultureRequest req, ClaimsPrincipal principal, UserManager<PharosUser> users) =>
            {
                if (req.Culture is not null && !Localization.LocalizationSetup.Cultures.Contains(req.Culture))
                    throw RuleViolation.BadField("culture", $"Culture is one of {string.Join(", ", Localization.LocalizationSetup.Cultures)} or null.");
                var u = await users.GetUserAsync(principal) ?? throw new NotFound("User");
                u.Culture = req.Culture;
                await users.UpdateAsync(u);
                return TypedResults.NoContent();
            });

        var tokens = me.MapGroup("/tokens").RequireAuthorization("staff");
        tokens.MapGet("/", async (ClaimsPrincipal p, PharosDb db, CancellationToken ct) =>
        {
            var id = UserId(p);
            return TypedResults.Ok(await db.Set<ApiToken>().AsNoTracking().Where(t => t.UserId == id).OrderByDescending(t => t.CreatedAt)
                .Select(t => new TokenRow(t.Id, t.Name, t.Hint, t.CreatedAt, t.LastUsedAt, t.RevokedAt)).ToListAsync(ct));
        });
        tokens.MapPost("/", async (CreateTokenRequest req, ClaimsPrincipal p, ApiTokens apiTokens, CurrentUser user, CancellationToken ct) =>
            TypedResults.Created("/api/me/tokens", await apiTokens.CreateAsync(UserId(p), req.Name, await user.ActorAsync(), ct)))
            .WithSummary("Creates a personal API token. The token is in this answer only; store it.");
        tokens.MapDelete("/{id:guid}", async (Guid id, ClaimsPrincipal p, ApiTokens apiTokens, CurrentUser user, CancellationToken ct) =>
        {
            await apiTokens.RevokeAsync(UserId(p), id, await user.ActorAsync(), ct);
            return TypedResults.NoContent();
        });

        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("/", async (string? q, UserKind? kind, PharosDb db, CancellationToken ct) =>
                TypedResults.Ok(await ListUsersAsync(db, q, kind, ct)))
            .RequireAuthorization(Permissions.CustomersRead);
        users.MapPost("/", async (CreateUserRequest req, StaffUsers staff, CurrentUser current) =>
            {
                var user = await staff.CreateAsync(req, await current.ActorAsync());
                return TypedResults.Created($"/api/users/{user.Id}", new UserRow(user.Id, user.Email, user.DisplayName, user.Kind, [req.Role!], null));
            })
            .RequireAuthorization(Permissions.UsersManage);
        return api;
    }

    /// <summary>Users with their roles, staff first, for the users API and the admin page.</summary>
    public static async Task<List<UserRow>> ListUsersAsync(PharosDb db, string? q, UserKind? kind, CancellationToken ct = default)
    {
        var query = db.Users.AsNoTracking();
        if (kind is { } k) query = query.Where(u => u.Kind == k);
        if (!string.IsNullOrWhiteSpace(q)) query = query.Where(u => u.DisplayName.Contains(q) || (u.Email != null && u.Email.Contains(q)));
        var list = await query.OrderBy(u => u.Kind).ThenBy(u => u.DisplayName).Take(500).ToListAsync(ct);
        var ids = list.Select(u => u.Id).ToList();
        var roles = (await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ids.Contains(ur.UserId) select new { ur.UserId, r.Name }).ToListAsync(ct))
            .ToLookup(r => r.UserId, r => r.Name!);
        return list.Select(u => new UserRow(u.Id, u.Email, u.DisplayName, u.Kind, roles[u.Id].ToList(), u.AccountId)).ToList();
    }

    internal static RuleViolation IdentityProblem(IdentityResult r)
    {
        var e = r.Errors.First();
        var field = e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : e.Code.Contains("Email", StringComparison.Ordinal) || e.Code.Contains("UserName", StringComparison.Ordinal) ? "email" : "user";
        return RuleViolation.BadField(field, string.Join(" ", r.Errors.Select(x => x.Description)));
    }

    private static Guid UserId(ClaimsPrincipal p) => Guid.Parse(p.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new NotFound("User"));
}
