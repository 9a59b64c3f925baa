using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pharos.Platform.Data;

namespace Pharos.Platform.Identity;

/// <summary>Authenticates <c>Authorization: Bearer phr_…</c> against stored token hashes.</summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PharosDb db,
    IUserClaimsPrincipalFactory<PharosUser> principals,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var secret = header["Bearer ".Length..].Trim();
        if (!secret.StartsWith(ApiToken.Prefix, StringComparison.Ordinal)) return AuthenticateResult.Fail("Not a Pharos token.");

        var hash = ApiToken.HashOf(secret);
        var token = await db.Set<ApiToken>().FirstOrDefaultAsync(t => t.Hash == hash && t.RevokedAt == null, Context.RequestAborted);
        if (token is null) return AuthenticateResult.Fail("Unknown or revoked token.");
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == token.UserId, Context.RequestAborted);
        if (user is null || (user.LockoutEnd is { } end && end > time.GetUtcNow())) return AuthenticateResult.Fail("User is disabled.");

        var now = time.GetUtcNow();
        // Touch at most once a minute so a busy client does not turn every read into a write.
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            token.LastUsedAt = now;
            // Best effort, and never for long: "last used" must not fail a request. On SQLite a running import holds
            // the one write lock for its whole transaction; waiting the default 30 s and then throwing turned
            // read-only requests (polling that very import) into 500s.
            var timeout = db.Database.GetCommandTimeout();
            db.Database.SetCommandTimeout(TimeSpan.FromSeconds(1));
            try
            {
                await db.SaveChangesAsync(Context.RequestAborted);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException { InnerException: DbUpdateException })
            {
                // (Npgsql's execution strategy wraps a timed-out update in an InvalidOperationException.)
                db.Entry(token).State = EntityState.Unchanged;
            }
            finally
            {
                db.Database.SetCommandTimeout(timeout);
            }
        }

        var principal = await principals.CreateAsync(user);
        var identity = new ClaimsIdentity(principal.Claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
