using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Pharos.Platform.Identity;

/// <summary>Claims Pharos reads on every request, so it need not load the user row each time.</summary>
public static class PharosClaimTypes
{
    public const string Kind = "pharos:kind";
    public const string AccountId = "pharos:account";
    public const string MustChangePassword = "pharos:must-change-password";
}

internal sealed class PharosClaimsFactory(UserManager<PharosUser> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PharosUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PharosUser user)
    {
        var id = await base.GenerateClaimsAsync(user);
        id.AddClaim(new Claim(PharosClaimTypes.Kind, user.Kind.ToString()));
        if (user.AccountId is { } account) id.AddClaim(new Claim(PharosClaimTypes.AccountId, account.ToString()));
        if (user.MustChangePassword) id.AddClaim(new Claim(PharosClaimTypes.MustChangePassword, "true"));
        return id;
    }
}

/// <summary>A user who signed in with a one-time password may do nothing but set their own.</summary>
internal static class MustChangePasswordGate
{
    private static readonly string[] Allowed = ["/profile", "/account/", "/culture/", "/_blazor", "/_framework", "/_content", "/health", "/login"];

    public static IApplicationBuilder UseMustChangePasswordGate(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (ctx.User.HasClaim(PharosClaimTypes.MustChangePassword, "true") && !Allowed.Any(a => path.StartsWith(a, StringComparison.OrdinalIgnoreCase)) && !Path.HasExtension(path))
        {
            if (path.StartsWith("/api", StringComparison.OrdinalIgnoreCase))
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                // A problem like every other API refusal (it was written as plain application/json).
                await ctx.Response.WriteAsJsonAsync(new { type = "about:blank", title = "Change your one-time password first.", status = 403 }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
                return;
            }
            ctx.Response.Redirect("/profile?mustChange=1");
            return;
        }
        await next();
    });
}
