using Pharos.Platform.Files;
using Pharos.Service.Bugs;
using Pharos.Service.Calendars;
using Pharos.Service.Escalation;
using Pharos.Service.Faq;
using Pharos.Service.Inbox;
using Pharos.Service.Policies;
using Pharos.Service.Portal;
using Pharos.Service.Reports;
using Pharos.Service.Sla;
using Pharos.Service.Tickets;

namespace Pharos.Service;

public static class ServiceModule
{
    public static IServiceCollection AddService(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<ServiceOptions>().Bind(config.GetSection(ServiceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ServiceCalendars>();
        services.AddScoped<SlaPolicies>();
        services.AddScoped<TicketCommands>();
        services.AddScoped<SlaEscalation>();
        services.AddScoped<BugWorkflow>();
        services.AddHostedService<SlaEscalationSchedule>();
        // Ticket files live under the data directory, never under wwwroot: they are served only through their ticket.
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServiceOptions>>().Value;
            var root = Path.Combine(config["Pharos:DataDirectory"] ?? "data", "attachments");
            return new AttachmentStore(root, AttachmentRules.Default with { MaxBytes = o.MaxAttachmentBytes });
        });
        return services;
    }

    public static RouteGroupBuilder MapService(this RouteGroupBuilder api) =>
        api.MapServiceCalendars().MapSlaPolicies().MapSlaPreview().MapSupportGroups().MapSavedViews().MapTickets().MapBugs().MapFaqClusters().MapPortal().MapServiceReports();
}
