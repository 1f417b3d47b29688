using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Store;

/// <summary>Outside Development the audit hash key must be a real secret, or hashes of patient ids could be recomputed.</summary>
public sealed class StoreOptionsValidator(IHostEnvironment environment) : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options) =>
        !environment.IsDevelopment() && (options.AuditHashKey is null || options.AuditHashKey.Length < 32)
            ? ValidateOptionsResult.Fail("Store:AuditHashKey must be set to a secret of at least 32 characters outside Development.")
            : ValidateOptionsResult.Success;
}
