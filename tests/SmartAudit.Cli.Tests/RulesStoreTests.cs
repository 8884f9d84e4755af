using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

/// <summary>'rules publish | activate | rollback | list' against a real redis-server of the test's own.</summary>
public sealed class RulesStoreTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"smartaudit-cli-store-{Guid.NewGuid():N}");
    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _redis = await RedisServerProcess.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Publish_StoresAndActivates_ListShowsItActive()
    {
        var bundle = Bundle("1.0.0");

        var publish = Store("publish", bundle.Path, "--by", "auditor-7");
        var list = Store("list");

        Assert.Equal(ExitCodes.Success, publish.ExitCode);
        Assert.Contains($"published national-base {bundle.Version}", publish.Stdout, StringComparison.Ordinal);
        Assert.Contains("activated in production (was none)", publish.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, list.ExitCode);
        Assert.Contains($"environment production: active national-base {bundle.Version}", list.Stdout, StringComparison.Ordinal);
        Assert.Contains(list.Stdout.Split('\n'), l => l.StartsWith('*') && l.Contains(bundle.Version, StringComparison.Ordinal) && l.Contains("auditor-7", StringComparison.Ordinal));
    }

    [Fact]
    public void RollbackAndActivate_SwitchBetweenPublishedVersions()
    {
        var v1 = Bundle("1.0.0");
        var v2 = Bundle("2.0.0");
        Store("publish", v1.Path);
        Store("publish", v2.Path);

        var rollback = Store("rollback");
        var nothingLeft = Store("rollback");
        var activate = Store("activate", "2.0.0");

        Assert.Equal(ExitCodes.Success, rollback.ExitCode);
        Assert.Contains($"rolled back production to national-base {v1.Version} (was national-base {v2.Version})", rollback.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Problems, nothingLeft.ExitCode);
        Assert.Contains("nothing to roll back to in production", nothingLeft.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, activate.ExitCode);
        Assert.Contains($"activated national-base {v2.Version} in production", activate.Stdout, StringComparison.Ordinal);
        Assert.Contains($"active national-base {v2.Version}", Store("list").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Environments_AreIndependent()
    {
        var v1 = Bundle("1.0.0");

        Store("publish", v1.Path, "--env", "staging");

        Assert.Contains("environment production: active none", Store("list").Stdout, StringComparison.Ordinal);
        Assert.Contains($"environment staging: active national-base {v1.Version}", Store("list", "--env", "staging").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_NoActivate_OnlyStores()
    {
        var v1 = Bundle("1.0.0");

        var publish = Store("publish", v1.Path, "--no-activate");

        Assert.Equal(ExitCodes.Success, publish.ExitCode);
        Assert.DoesNotContain("activated", publish.Stdout, StringComparison.Ordinal);
        Assert.Contains("active none", Store("list").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_BrokenBundle_IsNotPublished()
    {
        var broken = TestBundles.Broken("1.0.0");
        var path = Path.Combine(_folder, "broken.ruleset.json.gz");
        File.WriteAllBytes(path, broken.Bytes);

        var publish = Store("publish", path);

        Assert.Equal(ExitCodes.Problems, publish.ExitCode);
        Assert.Contains("GZ-SEX-001: expression does not compile", publish.Stderr, StringComparison.Ordinal);
        Assert.Contains("not published", publish.Stderr, StringComparison.Ordinal);
        Assert.Contains("no published versions", Store("list").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_OtherRulesUnderAPublishedVersion_IsRefused()
    {
        Store("publish", Bundle("1.0.0").Path);
        using var changed = new TempRuleSetFolder();
        changed.Write("ruleset.json", System.Text.RegularExpressions.Regex.Replace(changed.Read("ruleset.json"), "\"version\"\\s*:\\s*\"[^\"]*\"", "\"version\": \"1.0.0\""));
        changed.Replace("ruleset.json", "\"description\": \"", "\"description\": \"Changed: ");
        var path = Path.Combine(_folder, "changed.ruleset.json.gz");
        Assert.Equal(ExitCodes.Success, Cli.Run("rules", "pack", changed.Path, "--out", path).ExitCode);

        var publish = Store("publish", path);

        Assert.Equal(ExitCodes.Problems, publish.ExitCode);
        Assert.Contains("national-base 1.0.0 is already published with other rules", publish.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Activate_UnknownVersion_IsAUsageError()
    {
        var run = Store("activate", "9.9.9");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("no published version '9.9.9'", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hash-mismatch", "hashes to")]
    [InlineData("no-files", "\"files\"")]
    [InlineData("does-not-compile", "GZ-SEX-001: expression does not compile")]
    public void Activate_VersionWhoseStoredBytesDoNotVerify_IsRefused(string damage, string reason)
    {
        var v1 = Bundle("1.0.0");
        Store("publish", v1.Path);
        // Stored behind the tool's back (an older tool, a hand edit, a damaged copy): what activation must check itself.
        var (bundle, bytes) = damage switch
        {
            "hash-mismatch" => (TestBundles.Version("9.0.0").Bundle, TestBundles.Version("8.0.0").Bytes),
            "no-files" => (TestBundles.Version("9.0.0").Bundle, BundleDamage.Named("no-files", TestBundles.Version("9.0.0").Bytes)),
            _ => TestBundles.Broken("9.0.0"),
        };
        if (damage != "does-not-compile")
        {
            bundle = BundleDamage.Posing(bundle, "9.0.0", bytes);
        }

        PublishWithoutChecks(bundle, bytes);

        var activate = Store("activate", "9.0.0");

        Assert.Equal(ExitCodes.Problems, activate.ExitCode);
        Assert.Contains(reason, activate.Stderr, StringComparison.Ordinal);
        Assert.Contains("not activated", activate.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Cli.StackTraceMarker, activate.Stderr, StringComparison.Ordinal);
        Assert.Contains($"active national-base {v1.Version}", Store("list").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreachableRedis_SaysWhereItLooked_WithoutAStackTrace()
    {
        _redis.Kill();

        var run = Store("list");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains($"cannot reach Redis at 127.0.0.1:{_redis.Port}", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Cli.StackTraceMarker, run.Stderr, StringComparison.Ordinal);
    }

    private void PublishWithoutChecks(Core.Rules.RuleSetBundle bundle, byte[] bytes)
    {
        using var redis = StackExchange.Redis.ConnectionMultiplexer.Connect($"127.0.0.1:{_redis.Port}");
        var store = new Redis.Rules.RuleSetStore(redis, new Redis.RedisKeys("smartaudit:"));
        store.PublishAsync(bundle, bytes, "test", DateTimeOffset.UtcNow).GetAwaiter().GetResult();
    }

    private CliRun Store(params string[] args) => Cli.Run(["rules", .. args, "--redis", $"redis://127.0.0.1:{_redis.Port}"]);

    private (string Path, string Version) Bundle(string semanticVersion)
    {
        var (bundle, bytes) = TestBundles.Version(semanticVersion);
        var path = Path.Combine(_folder, $"{semanticVersion}.ruleset.json.gz");
        File.WriteAllBytes(path, bytes);
        return (path, bundle.DisplayVersion);
    }
}
