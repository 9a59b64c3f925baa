using Pharos.Service.Calendars;
using Pharos.Service.Policies;
using Pharos.Service.Sla;

namespace Pharos.Service;

public static class ServiceModule
{
    public static IServiceCollection AddService(this IServiceCollection services)
    {
        services.AddScoped<ServiceCalendars>();
        services.AddScoped<SlaPolicies>();
        return services;
    }

    public static RouteGroupBuilder MapService(this RouteGroupBuilder api) =>
        api.MapServiceCalendars().MapSlaPolicies().MapSlaPreview();
}
