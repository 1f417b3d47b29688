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
using KetamineCds.Api.Transparency;

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
builder.AddRequestLogging();
builder.AddHosting();
builder.AddTelemetry();
builder.AddRulePack();
builder.AddFhirAccess();
builder.AddCdsAuthentication();
builder.AddStore();
builder.AddAudit();
builder.AddCdsHooks();
builder.AddPreview();
builder.AddAdmin();
builder.AddHttpHardening();

var app = builder.Build();
// The pipeline, outside in. The order matters:
app.UsePathNormalization();  // before routing, so /cds-services//id routes as /cds-services/id
app.UseRouting();            // the service id is known to everything below
app.UseSecurityHeaders();    // on every answer, errors included
app.UseRequestLogging();     // wraps the error table: logs the status sent, never an escaping exception as a 500
app.UseErrorTable();         // exceptions, and empty 403/404/405/415 answers, become OperationOutcome bodies
app.UseCdsCors();            // a browser's preflight is answered before authentication asks for a token
app.UseCdsAuthentication();  // the EHR's JWT and the admin key, as each endpoint's metadata asks
app.UseRateLimiter();        // per issuer, which authentication has just named
app.MapOpenApi();
app.MapCdsServices();
app.MapFeedback();
app.MapAdmin();
app.MapPreview();
app.MapRulePages();
app.MapMetrics();
app.MapHealthEndpoints();
await app.RunAsync();
return 0;
