using KetamineCds.Api.Auth;
using KetamineCds.Api.Core;
using KetamineCds.Api.Hosting;

namespace KetamineCds.Api.CdsHooks;

/// <summary>CDS Hooks: discovery and the service endpoints, the hook handler and the assembly of the patient record.</summary>
public static class CdsHooksRegistration
{
    public static WebApplicationBuilder AddCdsHooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<HookHandler>();
        builder.Services.AddScoped<HookCallScope>();
        builder.Services.AddScoped<PatientDataAssembler>();
        builder.Services.AddSingleton<CardMemory>();
        builder.Services.AddSingleton<CardMemoryWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CardMemoryWriter>());
        return builder;
    }

    public static IEndpointRouteBuilder MapCdsServices(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cds-services").WithTags("CDS Hooks").RequireEhr().RequirePerIssuerRateLimit();
        group.MapGet("", CdsServicesApi.Discover)
            .WithName("Discovery").WithSummary("Lists the CDS services (CDS Hooks 2.0 §Discovery)")
            .Produces<DiscoveryResponse>();
        group.MapPost("/{id}", CdsServicesApi.InvokeAsync)
            .WithName("InvokeService").WithSummary("Calls a CDS service with a hook request (CDS Hooks 2.0 §Calling a CDS Service)")
            .Accepts<CdsRequestDocument>("application/json")
            .Produces<CdsResponse>()
            .ProducesOperationOutcome(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed,
                StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status500InternalServerError);
        return app;
    }
}
