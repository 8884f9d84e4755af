using System.Net;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SmartAudit.Core.Cases;
using SmartAudit.Core.Decisions;
using SmartAudit.Kafka;
using SmartAudit.Kafka.Cases;
using SmartAudit.Redis;
using SmartAudit.Workbench.Accounts;
using SmartAudit.Workbench.Cases;
using SmartAudit.Workbench.Security;

namespace SmartAudit.Workbench;

/// <summary>
/// The fraud team's workbench in this host: cookie sign-in with roles, server-rendered Razor Pages on their own
/// HTTP/1.1 address beside the gRPC one, the case store and the case intake.
/// </summary>
public static class WorkbenchExtensions
{
    /// <summary>Turns <c>--workbench</c> into configuration: workbench on, demo accounts, demo cases.</summary>
    public static string[] TranslateArguments(string[] args) =>
    [
        .. args.Where(a => a != "--workbench"),
        .. args.Contains("--workbench")
            ? new[] { "--Workbench:Enabled=true", "--Workbench:DemoAccounts=true", "--Workbench:DemoClaims=3000" }
            : [],
    ];

    public static IHostApplicationBuilder AddWorkbench(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkbenchOptions>()
            .BindConfiguration(WorkbenchOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(WorkbenchOptions.SectionName).Get<WorkbenchOptions>() ?? new WorkbenchOptions();
        if (!options.Enabled)
        {
            return builder;
        }

        builder.Services.AddSingleton(new WorkbenchMarker());
        builder.Services.AddSingleton(FundCalendar.From(builder.Configuration));
        AddCaseStoreAndRecord(builder);
        builder.Services.TryAddSingleton<ICaseStore, InMemoryCaseStore>();
        builder.Services.TryAddSingleton<ICaseDecisionLog, JsonLinesCaseDecisionLog>();
        builder.Services.AddSingleton<CaseReview>();
        builder.Services.AddSingleton<ComplianceFigures>();
        builder.Services.AddSingleton<WorkbenchAccounts>();
        builder.Services.AddSingleton<SignInLockout>();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SessionStoreSetup>();
        builder.Services.AddHostedService<DemoCaseSeeder>();
        builder.Services.AddHostedService<DemoAccountsPrinter>();
        AddEmbeddedIntake(builder.Services);

        var authentication = builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme);
        if (options.Oidc.Enabled)
        {
            OidcSignIn.Add(authentication, options.Oidc);
        }

        authentication
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/signin";
                cookie.LogoutPath = "/signout";
                cookie.AccessDeniedPath = "/denied";
                cookie.Cookie.Name = "smartaudit.workbench";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = options.SessionLifetime;
                cookie.SlidingExpiration = true;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReviewerPrincipal.ReviewerPolicy, policy => policy.RequireAuthenticatedUser().RequireRole("reviewer", "lead"));
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "smartaudit.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.Configure<WebEncoderOptions>(encoder => encoder.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All)); // Chinese as text, not &#x entities
        builder.Services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/Pages";
            pages.Conventions.AuthorizeFolder("/", ReviewerPrincipal.ReviewerPolicy);
            pages.Conventions.AllowAnonymousToPage("/SignIn");
            pages.Conventions.AllowAnonymousToPage("/Denied");
        }).AddApplicationPart(typeof(WorkbenchExtensions).Assembly); // found even when this host is not the entry assembly (tests, the benchmark)

        ListenSeparately(builder, options);
        return builder;
    }

    /// <summary>Authentication, authorization and the workbench's pages; nothing when the workbench is off.</summary>
    public static WebApplication UseWorkbench(this WebApplication app)
    {
        if (app.Services.GetService<WorkbenchMarker>() is null)
        {
            return app;
        }

        var options = app.Services.GetRequiredService<IOptions<WorkbenchOptions>>().Value;
        var authority = options.Oidc.Enabled && Uri.TryCreate(options.Oidc.Authority, UriKind.Absolute, out var idp) ? idp.GetLeftPart(UriPartial.Authority) : null;
        app.UseWorkbenchGate(app.Services.GetRequiredService<WorkbenchEndpoint>(), authority);
        app.UseMiddleware<LanguageMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        return app;
    }

    /// <summary>
    /// Production parts when configured: the shared case view in Redis (<c>Redis:Configuration</c>); case decisions
    /// to the case-decisions topic (<c>Kafka:BootstrapServers</c>); cases from the topics (<c>CaseIntake:Enabled</c>),
    /// which replaces the embedded intake so that every instance and every rebuild sees the same cases. Section
    /// <c>CaseIntake</c> also says which decisions raise cases, for the embedded intake too.
    /// </summary>
    private static void AddCaseStoreAndRecord(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CaseIntakeOptions>()
            .BindConfiguration(CaseIntakeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<CaseIntakeOptions>>().Value.Policy);
        if (builder.IsRedisConfigured())
        {
            builder.AddRedisCaseStore();
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}"]))
        {
            if (builder.Configuration.GetValue<bool>($"{CaseIntakeOptions.SectionName}:{nameof(CaseIntakeOptions.Enabled)}"))
            {
                throw new InvalidOperationException("CaseIntake:Enabled needs Kafka:BootstrapServers: the intake reads cases from the Kafka topics");
            }

            return;
        }

        builder.AddKafkaCaseDecisionLog();
        if (builder.Configuration.GetValue<bool>($"{CaseIntakeOptions.SectionName}:{nameof(CaseIntakeOptions.Enabled)}"))
        {
            builder.AddKafkaCaseIntake();
            builder.Services.AddSingleton<CaseIntakeMarker>();
        }
    }

    /// <summary>
    /// The embedded intake (no Kafka): wrap the decision log so that decisions that are cases reach the store.
    /// </summary>
    private static void AddEmbeddedIntake(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CaseIntakeMarker)))
        {
            return; // another intake (Kafka) is registered
        }

        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IDecisionLog))
            ?? throw new InvalidOperationException("the workbench's case intake needs a decision log: call AddDecisionLog first");
        services.Remove(inner);
        services.AddSingleton<CaseIntakeQueue>();
        services.AddHostedService(sp => new CaseIntakeService(
            sp.GetRequiredService<CaseIntakeQueue>(),
            sp.GetRequiredService<ICaseStore>(),
            sp.GetRequiredService<IOptions<CaseIntakeOptions>>().Value.Offset,
            sp.GetRequiredService<ILogger<CaseIntakeService>>()));
        services.AddSingleton<IDecisionLog>(sp => new CaseRaisingDecisionLog(
            (IDecisionLog)(inner.ImplementationFactory?.Invoke(sp) ?? inner.ImplementationInstance ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)),
            sp.GetRequiredService<CasePolicy>(),
            sp.GetRequiredService<CaseIntakeQueue>()));
    }

    /// <summary>
    /// The gRPC address stays cleartext HTTP/2; the workbench gets its own HTTP/1.1 address (a cleartext endpoint
    /// cannot offer both to browsers and gRPC clients).
    /// </summary>
    private static void ListenSeparately(WebApplicationBuilder builder, WorkbenchOptions options)
    {
        var grpcUrls = (builder.Configuration["urls"] ?? "http://127.0.0.1:5080").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var endpoint = new WorkbenchEndpoint();
        builder.Services.AddSingleton(endpoint);
        builder.Configuration[WebHostDefaults.ServerUrlsKey] = string.Empty; // the endpoints below replace it
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var url in grpcUrls)
            {
                Listen(kestrel, url, HttpProtocols.Http2);
            }

            foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                endpoint.Listeners.Add(Listen(kestrel, url, HttpProtocols.Http1));
            }
        });
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols)
    {
        var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"'{url}': only http:// addresses are configured here; put TLS in front of the server or configure Kestrel endpoints");
        }

        ListenOptions? captured = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            captured = listen;
        }

        if (uri.IsLoopback && uri.Host == "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, Configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, uri.Port, Configure);
        }
        else
        {
            kestrel.ListenAnyIP(uri.Port, Configure);
        }

        return captured!;
    }

    /// <summary>Registered when the workbench is on.</summary>
    internal sealed class WorkbenchMarker;
}

/// <summary>Registered by a case intake other than the embedded one (the Kafka topics), so the embedded one stays out.</summary>
public sealed class CaseIntakeMarker;

/// <summary>Where the workbench listens, once the server has started (the port is known then, even when 0 was asked for).</summary>
public sealed class WorkbenchEndpoint
{
    internal List<ListenOptions> Listeners { get; } = [];

    public IReadOnlyList<string> Addresses => [.. Listeners.Select(Address)];

    /// <summary>Whether a connection to local port <paramref name="port"/> came in on a workbench address.</summary>
    public bool Serves(int port) => Listeners.Any(l => l.IPEndPoint?.Port == port);

    private static string Address(ListenOptions listen) => listen.IPEndPoint is { } ip
        ? $"http://{(ip.Address.Equals(IPAddress.Any) ? "127.0.0.1" : ip.Address.ToString())}:{ip.Port}"
        : listen.ToString() ?? string.Empty;
}
