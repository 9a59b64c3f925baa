using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Problems;

namespace Pharos.Customers.Accounts;

public sealed record OverrideTierRequest(string? Tier, string? Reason);

public static class AccountsApi
{
    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/accounts").WithTags("Accounts");

        g.MapGet("/", async ([AsParameters] AccountListQuery q, PharosDb db, CancellationToken ct) =>
                TypedResults.Ok(await AccountQuery.PageAsync(db, q.ToFilter(), q.Page ?? 1, q.PageSize ?? 50, ct)))
            .RequireAuthorization(Permissions.CustomersRead)
            .WithSummary("Lists accounts: search, filter, sort and page.");

        g.MapGet("/{id:guid}", async Task<Results<Ok<AccountDetail>, ProblemHttpResult>> (Guid id, PharosDb db, CancellationToken ct) =>
                await AccountDetailQuery.LoadAsync(db, id, ct) is { } d ? TypedResults.Ok(d) : ProblemResults.NotFound("Account"))
            .RequireAuthorization(Permissions.CustomersRead);

        g.MapPost("/", async (AccountInput input, AccountCommands commands, CurrentUser user, PharosDb db, CancellationToken ct) =>
            {
                var account = await commands.CreateAsync(input, await user.ActorAsync(), ct);
                return TypedResults.Created($"/api/accounts/{account.Id}", await AccountDetailQuery.LoadAsync(db, account.Id, ct));
            })
            .RequireAuthorization(Permissions.CustomersWrite);

        g.MapPut("/{id:guid}", async (Guid id, AccountInput input, [FromHeader(Name = "If-Match")] string? ifMatch, AccountCommands commands, CurrentUser user, PharosDb db, CancellationToken ct) =>
            {
                uint? version = uint.TryParse(ifMatch?.Trim('"'), out var v) ? v : null;
                await commands.UpdateAsync(id, input, await user.ActorAsync(), version, ct);
                return TypedResults.Ok(await AccountDetailQuery.LoadAsync(db, id, ct));
            })
            .RequireAuthorization(Permissions.CustomersWrite)
            .WithSummary("Replaces an account's fields. Send If-Match with the version you read to refuse lost updates.");

        g.MapPost("/{id:guid}/tier-override", async (Guid id, OverrideTierRequest req, AccountCommands commands, CurrentUser user, PharosDb db, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(req.Tier) || !Enum.TryParse<Tier>(req.Tier, ignoreCase: false, out var tier) || !Enum.IsDefined(tier) || int.TryParse(req.Tier, out _))
                    throw RuleViolation.BadField("tier", $"Tier must be one of S, A, B, C; got '{req.Tier}'.");
                await commands.OverrideTierAsync(id, tier, req.Reason, await user.ActorAsync(), ct);
                return TypedResults.Ok(await AccountDetailQuery.LoadAsync(db, id, ct));
            })
            .RequireAuthorization(Permissions.TierOverride)
            .WithSummary("Overrides the computed tier; a reason is mandatory and audited.");

        g.MapDelete("/{id:guid}/tier-override", async (Guid id, AccountCommands commands, CurrentUser user, PharosDb db, CancellationToken ct) =>
            {
                await commands.RevertOverrideAsync(id, await user.ActorAsync(), ct);
                return TypedResults.Ok(await AccountDetailQuery.LoadAsync(db, id, ct));
            })
            .RequireAuthorization(Permissions.TierOverride)
            .WithSummary("Reverts an override: the computed tier is in force again.");

        return api;
    }
}

public sealed record AccountListQuery(string? Q, string? Tier, string? Industry, string? Region, LifecycleStage? Stage, Guid? OwnerId,
    bool? Strategic, bool? Overridden, string? Sort, bool? Desc, int? Page, int? PageSize)
{
    public AccountFilter ToFilter()
    {
        var tiers = ParseTiers(Tier);
        if (PageSize is < 1 or > AccountQuery.MaxPageSize) throw RuleViolation.BadField("pageSize", $"Page size is between 1 and {AccountQuery.MaxPageSize}.");
        if (Page is < 1) throw RuleViolation.BadField("page", "Page numbers start at 1.");
        return new AccountFilter { Q = Q, Tier = tiers, Industry = Industry, Region = Region, Stage = Stage, OwnerId = OwnerId, Strategic = Strategic, Overridden = Overridden, Sort = Sort, Desc = Desc ?? true };
    }

    /// <summary>"S,A" → [S, A]; null when empty; a 400 naming <c>tier</c> for anything else (numbers included).</summary>
    public static Tier[]? ParseTiers(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
            : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => Enum.TryParse<Tier>(t, out var x) && Enum.IsDefined(x) && !int.TryParse(t, out _) ? x
                    : throw RuleViolation.BadField("tier", $"Unknown tier '{t}'; use S, A, B or C."))
                .ToArray();
}
