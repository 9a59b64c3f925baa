using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Pharos.Platform.Localization;

namespace Pharos.Platform.Identity;

/// <summary>Sign-in and sign-out for the browser: plain form posts with antiforgery, so they work without a circuit.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", async ([FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
            SignInManager<PharosUser> signIn, UserManager<PharosUser> users, HttpContext http) =>
        {
            var back = SafeReturn(returnUrl);
            var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
            if (user is null || string.IsNullOrEmpty(password))
                return Results.Redirect($"/login?error=invalid&email={Uri.EscapeDataString(email ?? "")}&returnUrl={Uri.EscapeDataString(back)}");
            var result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: true);
            if (result.IsLockedOut) return Results.Redirect($"/login?error=locked&email={Uri.EscapeDataString(email!)}");
            if (!result.Succeeded) return Results.Redirect($"/login?error=invalid&email={Uri.EscapeDataString(email!)}&returnUrl={Uri.EscapeDataString(back)}");
            if (user.Culture is { } c) LocalizationSetup.SetCookie(http, c);
            if (user.Kind == UserKind.Portal) return Results.Redirect("/portal");
            return Results.LocalRedirect(user.MustChangePassword ? "/profile?mustChange=1" : back);
        }).ExcludeFromDescription();

        // After a password change in an interactive page (which cannot set cookies), reissue the cookie so the claims are current.
        app.MapGet("/account/refresh", async (SignInManager<PharosUser> signIn, UserManager<PharosUser> users, HttpContext http) =>
        {
            if (await users.GetUserAsync(http.User) is { } u) await signIn.RefreshSignInAsync(u);
            return Results.LocalRedirect("/");
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/account/logout", async (SignInManager<PharosUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.Redirect("/login");
        }).ExcludeFromDescription();
    }

    private static string SafeReturn(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
