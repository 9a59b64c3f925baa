using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Pharos.Platform.Audit;

namespace Pharos.Platform.Identity;

/// <summary>The signed-in principal, whether the request is plain HTTP or a Blazor circuit (which has no HttpContext).</summary>
public sealed class CurrentUser(IHttpContextAccessor http, IServiceProvider services)
{
    public async Task<ClaimsPrincipal> PrincipalAsync()
    {
        if (http.HttpContext?.User is { Identity.IsAuthenticated: true } u) return u;
        var state = services.GetService<AuthenticationStateProvider>();
        if (state is null) return new ClaimsPrincipal();
        try { return (await state.GetAuthenticationStateAsync()).User; }
        catch (InvalidOperationException) { return new ClaimsPrincipal(); }
    }

    public async Task<Actor> ActorAsync() => Actor.From(await PrincipalAsync());
}
