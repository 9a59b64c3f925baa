using Pharos.Customers.Accounts;
using Pharos.Customers.Contacts;
using Pharos.Customers.ImportExport;
using Pharos.Customers.Teams;
using Pharos.Customers.Tiering;

namespace Pharos.Customers;

public static class CustomersModule
{
    public static IServiceCollection AddCustomers(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<Retier>();
        services.AddScoped<AccountCommands>();
        services.AddScoped<ContactCommands>();
        services.AddScoped<PortalLogins>();
        services.AddScoped<TeamCommands>();
        services.AddScoped<TieringSettings>();
        services.AddScoped<AccountImporter>();
        services.AddSingleton<ImportJobs>();
        services.AddHostedService(sp => sp.GetRequiredService<ImportJobs>());
        services.AddOptions<TieringScheduleOptions>().Bind(config.GetSection(TieringScheduleOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<TieringSchedule>();
        return services;
    }

    public static RouteGroupBuilder MapCustomers(this RouteGroupBuilder api) =>
        api.MapAccounts().MapContacts().MapContactDirectory().MapPortalLogins().MapTeams().MapTiering().MapImportExport();
}
