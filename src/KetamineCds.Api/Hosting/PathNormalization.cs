namespace KetamineCds.Api.Hosting;

/// <summary>
/// Forgiving URLs for real clients. A discovery URL entered with a trailing slash (<c>/cds-services/</c>) makes
/// clients such as the CDS Hooks Sandbox build service URLs with a doubled slash (<c>/cds-services//id</c>): runs of
/// slashes are read as one before routing, so both forms reach the same endpoint. The JWT check still sees the URL
/// as the client called it (an EHR signs that URL as the token's <c>aud</c>).
/// </summary>
public static partial class PathNormalization
{
    internal static void Use(WebApplication app)
    {
        app.Use((context, next) =>
        {
            var path = context.Request.Path.Value;
            if (path is not null && path.Contains("//", StringComparison.Ordinal))
            {
                context.Request.Path = new PathString(Collapse(path));
            }

            return next(context);
        });
    }

    internal static string Collapse(string path) => DoubledSlashes().Replace(path, "/");

    [System.Text.RegularExpressions.GeneratedRegex("/{2,}")]
    private static partial System.Text.RegularExpressions.Regex DoubledSlashes();
}
