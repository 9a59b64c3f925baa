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

    /// <summary>The name people see (林晓 rather than lin.xiao@…), for conversation entries and notices.</summary>
    public async Task<string?> DisplayNameAsync()
    {
        if ((await ActorAsync()).UserId is not { } id) return null;
        var db = services.GetRequiredService<Data.PharosDb>();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.Users.Where(u => u.Id == id).Select(u => u.DisplayName));
    }
}
