using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Pharos.Platform.Data;

namespace Pharos.Platform.Identity;

public static class IdentitySetup
{
    public const string SmartScheme = "Pharos";

    public static IServiceCollection AddPharosIdentity(this IServiceCollection services)
    {
        services.AddIdentityCore<PharosUser>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.User.RequireUniqueEmail = true;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<Microsoft.AspNetCore.Identity.IdentityRole<Guid>>()
            .AddEntityFrameworkStores<PharosDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PharosClaimsFactory>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            // A bearer header means an API client; anything else is the browser's cookie.
            .AddPolicyScheme(SmartScheme, "Cookie or API token", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies(b => b.ApplicationCookie?.Configure(o =>
            {
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/forbidden";
                o.Cookie.Name = "pharos.auth";
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                // API callers get status codes, never an HTML redirect.
                o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden);
            }));

        var authz = services.AddAuthorizationBuilder();
        foreach (var (permission, roles) in Permissions.Matrix)
            authz.AddPolicy(permission, p => p.RequireAuthenticatedUser().RequireRole(roles));
        authz.AddPolicy("staff", p => p.RequireAuthenticatedUser().RequireRole(Roles.Staff));
        authz.SetFallbackPolicy(null);
        services.AddCascadingAuthenticationState();
        return services;
    }

    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    public static AuthorizationPolicyBuilder RequirePermission(this AuthorizationPolicyBuilder b, string permission) =>
        b.RequireAuthenticatedUser().RequireRole(Permissions.Matrix[permission]);
}
