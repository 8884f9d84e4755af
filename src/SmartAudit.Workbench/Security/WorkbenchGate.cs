using Microsoft.AspNetCore.Mvc.RazorPages;

namespace SmartAudit.Workbench.Security;

/// <summary>
/// The workbench answers only on its own address, with the headers a system holding patient data sends: on any
/// other port (the gRPC one) its pages are 404, as if absent. Every workbench response forbids framing, sniffing,
/// referrers and any script, style or form target but its own (the pages use no script at all).
/// </summary>
internal static class WorkbenchGate
{
    public static IApplicationBuilder UseWorkbenchGate(this IApplicationBuilder app, WorkbenchEndpoint endpoint, string? identityProvider) => app.Use(async (context, next) =>
    {
        var workbenchPort = endpoint.Serves(context.Connection.LocalPort);
        if (!workbenchPort)
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is not null || context.Request.Path.StartsWithSegments("/signin-oidc"))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
            return;
        }

        var headers = context.Response.Headers;
        // form-action must name the identity provider: Chromium applies it to the redirect after the sign-in form.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            + $"form-action 'self'{(identityProvider is null ? "" : " " + identityProvider)}; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-store"; // pages carry patient data: not kept by browsers or proxies
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }

        await next(context);
    });
}
