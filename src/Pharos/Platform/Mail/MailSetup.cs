using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pharos.Platform.Mail;

public static class MailSetup
{
    public static IServiceCollection AddPharosMail(this IServiceCollection services, IConfiguration config, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var root = Path.GetFullPath(dataDirectory);
        services.AddOptions<MailOptions>()
            .Bind(config.GetSection(MailOptions.Section))
            .PostConfigure(o => o.PickupFolder = string.IsNullOrWhiteSpace(o.PickupFolder)
                ? Path.Combine(root, "outbox")
                : Path.GetFullPath(o.PickupFolder, root))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MailOptions>, MailOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MailTransport>();
        return services;
    }
}
