using SmartAudit.Redis;
using SmartAudit.Redis.Rules;
using StackExchange.Redis;

namespace SmartAudit.Cli.Store;

/// <summary>
/// A command on the published rule sets in Redis. Where Redis is and which environment: <c>--redis</c>
/// and <c>--env</c>, else the server's own settings from the environment (<c>Redis__Configuration</c>,
/// <c>Redis__Environment</c>, <c>Redis__KeyPrefix</c>), so one deployment's variables serve both.
/// </summary>
/// <typeparam name="TArgs">The command's own arguments, parsed before anything connects.</typeparam>
internal abstract class StoreCommand<TArgs> : Command
    where TArgs : class
{
    protected const string StoreArguments = "[--redis <url>] [--env <name>]";

    protected const string StoreDetails = """
        Redis: --redis <url> (redis://[:password@]host:port[/db], or a StackExchange.Redis
        configuration string), else the variable Redis__Configuration. Environment:
        --env <name>, else Redis__Environment, else 'production'. Key prefix:
        Redis__KeyPrefix, else 'smartaudit:'. Exit code 2 if Redis cannot be reached.

        """;

    public override string Group => "rules";

    public sealed override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? redisUrl = null, environment = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--redis" when i + 1 < args.Count: redisUrl = args[++i]; break;
                case "--env" when i + 1 < args.Count: environment = args[++i]; break;
                case "--redis" or "--env": return UsageError(stderr, $"missing value: '{args[i]}'");
                default: rest.Add(args[i]); break;
            }
        }

        var options = new RedisOptions
        {
            Configuration = redisUrl ?? Environment.GetEnvironmentVariable("Redis__Configuration") ?? string.Empty,
            Environment = environment ?? Environment.GetEnvironmentVariable("Redis__Environment") ?? "production",
            KeyPrefix = Environment.GetEnvironmentVariable("Redis__KeyPrefix") ?? "smartaudit:",
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            return UsageError(stderr, "where is Redis? give --redis <url> or set Redis__Configuration");
        }

        if (Parse(rest, stderr, out var exitCode) is not { } parsed)
        {
            return exitCode;
        }

        // A console tool with no synchronization context: blocking its one thread on the async store is safe.
        return RunStoreAsync(options, parsed, stdout, stderr).GetAwaiter().GetResult();
    }

    /// <summary>Parses the command's own arguments (all but --redis and --env); null with the exit code on a mistake.</summary>
    protected abstract TArgs? Parse(IReadOnlyList<string> args, TextWriter stderr, out int exitCode);

    protected abstract Task<int> RunAsync(RuleSetStore store, string environment, TArgs args, TextWriter stdout, TextWriter stderr);

    /// <summary>A usage mistake found while parsing: reported with the usage, exit code <see cref="ExitCodes.Usage"/>.</summary>
    protected TArgs? ParseError(TextWriter stderr, string message, out int exitCode)
    {
        exitCode = UsageError(stderr, message);
        return null;
    }

    private async Task<int> RunStoreAsync(RedisOptions options, TArgs args, TextWriter stdout, TextWriter stderr)
    {
        var (redis, where) = await CliRedis.ConnectAsync(options, stderr);
        if (redis is null)
        {
            return ExitCodes.Usage;
        }

        await using (redis)
        {
            try
            {
                return await RunAsync(new RuleSetStore(redis, new RedisKeys(options.KeyPrefix)), options.Environment, args, stdout, stderr);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                stderr.WriteLine($"{CommandLine.ToolName}: Redis at {where} failed: {CliRedis.FirstLine(ex.Message)}");
                return ExitCodes.Usage;
            }
        }
    }

    /// <summary>How a version reads in output: id and display version.</summary>
    protected static string Describe(PublishedVersion version) => $"{version.Id} {version.DisplayVersion}";

    /// <summary>The version published under <paramref name="contentHash"/>, described, or the short hash if unknown.</summary>
    protected static async Task<string> DescribeAsync(RuleSetStore store, string? contentHash)
    {
        if (contentHash is null)
        {
            return "none";
        }

        var (match, _) = await store.ResolveAsync(contentHash);
        return match is null ? contentHash[..Math.Min(8, contentHash.Length)] : Describe(match);
    }
}
