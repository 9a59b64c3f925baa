using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Pharos.Platform.Audit;
using Pharos.Platform.Localization;
using Pharos.Platform.Problems;

namespace Pharos.Components.Shared;

/// <summary>
/// Base for interactive pages. A circuit lives for minutes or hours, so each command runs in its own DI scope
/// (a fresh PharosDb) and receives the actor explicitly: a new scope has no authentication state of its own.
/// </summary>
public abstract class PharosComponent : ComponentBase
{
    [CascadingParameter] protected Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] protected IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;
    [Inject] protected IAuthorizationService Authorization { get; set; } = default!;
    [Inject] protected IStringLocalizer<SharedResource> Text { get; set; } = default!;

    protected async Task<ClaimsPrincipal> UserAsync() => (await AuthState).User;

    protected async Task<Actor> ActorAsync() => Actor.From(await UserAsync());

    protected async Task<bool> CanAsync(string policy) => (await Authorization.AuthorizeAsync(await UserAsync(), policy)).Succeeded;

    protected async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>
    /// Runs a command; a broken rule becomes a message next to its field (when the form knows the field) or a snackbar.
    /// Returns whether it succeeded.
    /// </summary>
    protected async Task<bool> TryAsync(Func<IServiceProvider, Task> work, EditContext? form = null, ValidationMessageStore? messages = null)
    {
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            await work(scope.ServiceProvider);
            return true;
        }
        catch (RuleViolation rv) when (form is not null && messages is not null && rv.Field is { Length: > 0 } field && FieldExists(form.Model, field))
        {
            messages.Add(form.Field(ToProperty(field)), Localize(rv));
            form.NotifyValidationStateChanged();
        }
        catch (RuleViolation rv)
        {
            Snackbar.Add(Localize(rv), Severity.Error);
        }
        catch (NotFound nf)
        {
            Snackbar.Add(nf.Message, Severity.Error);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException)
        {
            Snackbar.Add(Text["Someone else changed this record. Reload and try again."], Severity.Error);
        }
        catch (Exception e) when (RuleViolationHandler.IsSqliteBusy(e))
        {
            Snackbar.Add(Text["The database is busy with a long write such as an import. Nothing was saved; try again shortly."], Severity.Warning);
        }
        return false;
    }

    protected string Localize(RuleViolation rv) =>
        string.Format(System.Globalization.CultureInfo.CurrentCulture, Text[rv.Template], rv.Args);

    private static string ToProperty(string field) => char.ToUpperInvariant(field[0]) + field[1..];
    private static bool FieldExists(object model, string field) => model.GetType().GetProperty(ToProperty(field)) is not null;
}
