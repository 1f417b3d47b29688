namespace KetamineCds.Api.CdsHooks;

/// <summary>CDS Hooks: the hook handler and the assembly of the patient record from prefetch and the FHIR server.</summary>
public static class CdsHooksRegistration
{
    public static WebApplicationBuilder AddCdsHooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<HookHandler>();
        builder.Services.AddScoped<HookCallScope>();
        builder.Services.AddScoped<PatientDataAssembler>();
        return builder;
    }
}
