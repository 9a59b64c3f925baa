using Pharos.Platform.Problems;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;

namespace Pharos.Customers.Contacts;

public static class ContactsApi
{
    public static RouteGroupBuilder MapContacts(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("").WithTags("Contacts");

        g.MapGet("/accounts/{accountId:guid}/contacts", async (Guid accountId, PharosDb db, CancellationToken ct) =>
            {
                if (!await db.Set<Account>().AnyAsync(a => a.Id == accountId, ct)) return (IResult)ProblemResults.NotFound("Account");
                return TypedResults.Ok(await AccountDetailQuery.ContactsOfAsync(db, accountId, ct));
            })
            .RequireAuthorization(Permissions.CustomersRead);

        g.MapPost("/accounts/{accountId:guid}/contacts", async (Guid accountId, ContactInput input, ContactCommands commands, CurrentUser user, CancellationToken ct) =>
            {
                var c = await commands.CreateAsync(accountId, input, await user.ActorAsync(), ct);
                return TypedResults.Created($"/api/contacts/{c.Id}", ToRow(c));
            })
            .RequireAuthorization(Permissions.CustomersWrite);

        g.MapGet("/contacts/{id:guid}", async (Guid id, PharosDb db, CancellationToken ct) =>
                await db.Set<Contact>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } c
                    ? (IResult)TypedResults.Ok(ToRow(c)) : ProblemResults.NotFound("Contact"))
            .RequireAuthorization(Permissions.CustomersRead);

        g.MapPut("/contacts/{id:guid}", async (Guid id, ContactInput input, ContactCommands commands, CurrentUser user, CancellationToken ct) =>
                TypedResults.Ok(ToRow(await commands.UpdateAsync(id, input, await user.ActorAsync(), ct))))
            .RequireAuthorization(Permissions.CustomersWrite);

        g.MapDelete("/contacts/{id:guid}", async (Guid id, ContactCommands commands, CurrentUser user, CancellationToken ct) =>
            {
                await commands.DeleteAsync(id, await user.ActorAsync(), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Permissions.CustomersWrite);

        return api;
    }

    private static object ToRow(Contact c) => new { c.Id, c.AccountId, c.Name, c.Title, c.Email, c.Phone, c.Role, c.IsPrimary };
}
