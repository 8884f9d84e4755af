namespace SmartAudit.Workbench;

/// <summary><c>?lang=zh</c> or <c>?lang=en</c> on any workbench page switches the labels and remembers the choice in a cookie.</summary>
internal sealed class LanguageMiddleware(RequestDelegate next)
{
    public const string CookieName = "smartaudit.lang";

    public Task InvokeAsync(HttpContext context)
    {
        context.Items["workbench.started"] = System.Diagnostics.Stopwatch.GetTimestamp(); // the footer's "served in" figure
        if (context.Request.Query.TryGetValue("lang", out var lang) && lang.ToString() is "zh" or "en")
        {
            context.Response.Cookies.Append(CookieName, lang.ToString(), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                MaxAge = TimeSpan.FromDays(365),
                IsEssential = true,
            });
            context.Items[CookieName] = lang.ToString();
        }

        return next(context);
    }

    public static string LanguageOf(HttpContext context) =>
        context.Items.TryGetValue(CookieName, out var chosen) && chosen is string s ? s
        : context.Request.Cookies.TryGetValue(CookieName, out var cookie) && cookie is "en" ? "en"
        : "zh";
}
