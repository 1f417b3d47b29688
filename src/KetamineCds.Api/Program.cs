using KetamineCds.Api.Admin;
using KetamineCds.Api.Audit;
using KetamineCds.Api.Auth;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Api.Cli;
using KetamineCds.Api.Feedback;
using KetamineCds.Api.Fhir;
using KetamineCds.Api.Hosting;
using KetamineCds.Api.Preview;
using KetamineCds.Api.RulePack;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;

// Command-line verbs (rules check / rules test / example …) run without starting the web host.
if (args.Length > 0 && CommandLine.IsVerb(args[0]))
{
    return await CommandLine.RunAsync(args);
}

// Settings and the bundled rules sit beside the binary, wherever the service is started from. Settings are validated
// once at start-up and nothing reads them live, so their files are not watched: the default watcher covers the whole
// content root, SQLite's data folder included, and woke on every audit write. Rule files have their own watcher.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddKetamineCdsLogging();
builder.AddHosting();
builder.AddKetamineCdsTelemetry();
builder.AddRulePack();
builder.AddFhirAccess();
builder.AddCdsAuthentication();
builder.AddCdsStore();
builder.AddAudit();
builder.AddCdsHooks();
builder.AddPreview();
builder.AddAdmin();
builder.AddHttpHardening();

var app = builder.Build();
// Order matters. The request log wraps the error table, so it logs the status the error table sent (a 400 is logged
// as a 400, never as the 500 an escaping exception would read as), and the empty-error bodies sit inside both.
app.UsePathNormalization();
app.UseRouting();
app.UseSecurityHeaders();
app.UseKetamineCdsRequestLogging();
app.UseExceptionHandler();
app.UseOperationOutcomeForEmptyErrors();
app.UseCdsCors();
app.UseCdsAuthentication();
app.UseRateLimiter();
app.MapOpenApi();
app.MapCdsServices();
app.MapFeedback();
app.MapAdmin();
app.MapPreview();
app.MapMetrics();
app.MapHealthEndpoints();
await app.RunAsync();
return 0;
