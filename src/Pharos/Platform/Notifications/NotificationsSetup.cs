using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Mail;

namespace Pharos.Platform.Notifications;

public sealed record NotificationRow(Guid Id, DateTimeOffset At, string Title, string Body, string? Link, bool Read);

public static class NotificationsSetup
{
    public static IServiceCollection AddPharosNotifications(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<NotifierOptions>().Bind(config.GetSection(NotifierOptions.Section));
        services.AddScoped<Notifier>();
        services.AddPharosMail(config, config["Pharos:DataDirectory"] ?? "data");
        services.AddSingleton<OutboxDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDelivery>());
        return services;
    }

    public static Task<List<NotificationRow>> LatestAsync(PharosDb db, Guid userId, int take, CancellationToken ct) =>
        db.Set<Notification>().AsNoTracking().Where(n => n.UserId == userId).OrderByDescending(n => n.At).Take(take)
            .Select(n => new NotificationRow(n.Id, n.At, n.Title, n.Body, n.Link, n.ReadAt != null)).ToListAsync(ct);

    public static Task<int> UnreadAsync(PharosDb db, Guid userId, CancellationToken ct) =>
        db.Set<Notification>().CountAsync(n => n.UserId == userId && n.ReadAt == null, ct);

    public static Task<int> MarkReadAsync(PharosDb db, Guid userId, Guid? id, DateTimeOffset now, CancellationToken ct) =>
        db.Set<Notification>().Where(n => n.UserId == userId && n.ReadAt == null && (id == null || n.Id == id))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization();
        g.MapGet("/", async (CurrentUser user, PharosDb db, CancellationToken ct) =>
        {
            var me = (await user.ActorAsync()).UserId!.Value;
            return TypedResults.Ok(new { unread = await UnreadAsync(db, me, ct), items = await LatestAsync(db, me, 50, ct) });
        }).WithSummary("Your latest 50 notices and how many are unread.");
        g.MapPost("/read", async (Guid? id, CurrentUser user, PharosDb db, TimeProvider time, CancellationToken ct) =>
            TypedResults.Ok(new { marked = await MarkReadAsync(db, (await user.ActorAsync()).UserId!.Value, id, time.GetUtcNow(), ct) }))
            .WithSummary("Marks one notice (?id=…) or all as read.");
        return api;
    }
}
