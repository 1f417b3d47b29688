using KetamineCds.Api.Auth;

namespace KetamineCds.Api.Cli;

/// <summary>
/// The settings the service would start with, read the way the host reads them (appsettings.json and its environment
/// file beside the binary, then environment variables), for verbs that must agree with the running service.
/// </summary>
public static class SiteSettings
{
    public static AuthOptions Auth()
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = new AuthOptions();
        configuration.GetSection(AuthOptions.Section).Bind(options);
        return options;
    }
}
