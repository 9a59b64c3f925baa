using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Pharos.Platform.Identity;

namespace Pharos.Platform.Localization;

public static class LocalizationSetup
{
    public static readonly string[] Cultures = ["zh-CN", "en"];

    public static IServiceCollection AddPharosLocalization(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = Cultures.Select(c => new CultureInfo(c)).ToList();
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.FallBackToParentUICultures = true;
            o.FallBackToParentCultures = true;
            // The cookie holds the user's choice (written at sign-in from their profile, and by the switch); else the browser decides.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    public static void MapCultureSwitch(this IEndpointRouteBuilder app) =>
        app.MapGet("/culture/set", async (string culture, string? returnUrl, HttpContext http, UserManager<PharosUser> users) =>
        {
            if (!Cultures.Contains(culture)) return Results.BadRequest();
            SetCookie(http, culture);
            if (http.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(http.User) is { } u)
            {
                u.Culture = culture;
                await users.UpdateAsync(u);
            }
            return Results.LocalRedirect(string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//", StringComparison.Ordinal) ? "/" : returnUrl);
        }).ExcludeFromDescription();

    public static void SetCookie(HttpContext http, string culture) =>
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = false });
}
