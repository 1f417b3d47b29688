using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Cli;
using KetamineCds.Api.Infrastructure;

// Command-line verbs (rules check / rules test) run without starting the web host.
if (args.Length > 0 && CommandLine.IsVerb(args[0]))
{
    return await CommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.AddKetamineCdsLogging();
builder.AddKetamineCds();
builder.Services.AddExceptionHandler<UnhandledErrors>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseKetamineCdsRequestLogging();
app.MapOpenApi();
app.MapCdsServices();
app.MapHealthEndpoints();
await app.RunAsync();
return 0;
