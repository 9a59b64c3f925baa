using Pharos.Platform.Data;
using Pharos.Platform.Identity;

namespace Pharos.Service.Bugs;

public static class BugsApi
{
    public static RouteGroupBuilder MapBugs(this RouteGroupBuilder api)
    {
        var t = api.MapGroup("/tickets/{id:guid}/bug").WithTags("Bugs");
        t.MapGet("/", async (Guid id, BugWorkflow bugs, CancellationToken ct) => TypedResults.Ok(await bugs.ViewAsync(id, ct)))
            .RequireAuthorization(Permissions.TicketsRead);
        t.MapPut("/reproduction", async (Guid id, ReproductionInput input, BugWorkflow bugs, CurrentUser user, CancellationToken ct) =>
                TypedResults.Ok(await bugs.SaveReproductionAsync(id, input, await user.ActorAsync(), ct)))
            .RequireAuthorization(Permissions.TicketsWork)
            .WithSummary("Step 1, reproduce: steps, environment, expected and actual; with a screenshot or log on the ticket the bug counts as reproduced.");
        t.MapPut("/classification", async (Guid id, ClassificationInput input, BugWorkflow bugs, CurrentUser user, CancellationToken ct) =>
                TypedResults.Ok(await bugs.ClassifyAsync(id, input, await user.ActorAsync(), ct)))
            .RequireAuthorization(Permissions.TicketsWork)
            .WithSummary("Step 2, classify: a category from the tree and the root cause.");
        t.MapPost("/handover", async (Guid id, HandoverInput input, BugWorkflow bugs, CurrentUser user, CancellationToken ct) =>
                TypedResults.Ok(await bugs.HandOverAsync(id, input, await user.ActorAsync(), ct)))
            .RequireAuthorization(Permissions.TicketsWork)
            .WithSummary("Step 3, coordinate: hands the bug to development (owners, external issue); refused while anything from steps 1–2 is missing.");
        t.MapPut("/coordination", async (Guid id, CoordinationInput input, BugWorkflow bugs, CurrentUser user, CancellationToken ct) =>
                TypedResults.Ok(await bugs.CoordinateAsync(id, input, await user.ActorAsync(), ct)))
            .RequireAuthorization(Permissions.TicketsWork);

        var c = api.MapGroup("/service/bug-categories").WithTags("Bugs");
        c.MapGet("/", async (PharosDb db, CancellationToken ct) => TypedResults.Ok(await BugCategories.ListAsync(db, ct))).RequireAuthorization(Permissions.TicketsRead);
        c.MapPost("/", async (BugCategoryInput input, PharosDb db, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                var category = await BugCategories.SaveAsync(db, null, input, await user.ActorAsync(), time.GetUtcNow(), ct);
                return TypedResults.Created($"/api/service/bug-categories/{category.Id}", (await BugCategories.ListAsync(db, ct)).First(r => r.Id == category.Id));
            })
            .RequireAuthorization(Permissions.ServiceAdmin);
        c.MapPut("/{categoryId:guid}", async (Guid categoryId, BugCategoryInput input, PharosDb db, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                await BugCategories.SaveAsync(db, categoryId, input, await user.ActorAsync(), time.GetUtcNow(), ct);
                return TypedResults.Ok((await BugCategories.ListAsync(db, ct)).First(r => r.Id == categoryId));
            })
            .RequireAuthorization(Permissions.ServiceAdmin);
        c.MapDelete("/{categoryId:guid}", async (Guid categoryId, PharosDb db, CurrentUser user, TimeProvider time, CancellationToken ct) =>
            {
                await BugCategories.DeleteAsync(db, categoryId, await user.ActorAsync(), time.GetUtcNow(), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Permissions.ServiceAdmin);

        api.MapGet("/service/bug-report", async (DateTimeOffset? from, DateTimeOffset? to, PharosDb db, TimeProvider time, CancellationToken ct) =>
            {
                var end = to ?? time.GetUtcNow();
                return TypedResults.Ok(await BugReportQuery.RunAsync(db, from ?? end.AddMonths(-6), end, ct));
            })
            .RequireAuthorization(Permissions.TicketsRead)
            .WithTags("Bugs")
            .WithSummary("Classified bugs per top-level category and month with their root causes: where repeat causes are.");
        return api;
    }
}
