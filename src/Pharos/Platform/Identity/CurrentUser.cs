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

    /// <summary>The actor under the name people see (林晓 rather than lin.xiao@…), for conversation entries, drafts and notices.</summary>
    public async Task<Actor> NamedActorAsync()
    {
        var actor = await ActorAsync();
        if (actor.UserId is not { } id) return actor;
        var db = services.GetRequiredService<Data.PharosDb>();
        var name = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.Users.Where(u => u.Id == id).Select(u => u.DisplayName));
        return string.IsNullOrEmpty(name) ? actor : actor with { Name = name };
    }
}
