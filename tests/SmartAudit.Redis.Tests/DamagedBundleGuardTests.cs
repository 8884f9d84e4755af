using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SmartAudit.Core.Rules;
using SmartAudit.Redis.Rules;
using SmartAudit.Testing;
using Xunit.Abstractions;
using static SmartAudit.Redis.Tests.RedisTestServers;

namespace SmartAudit.Redis.Tests;

/// <summary>
/// A randomized guard for issue 16, item 4: a sound bundle damaged at random (bits flipped, bytes cut off,
/// JSON members removed, nulled or of the wrong type, file contents mangled and re-hashed so the compiler sees
/// them) is either accepted or refused with <see cref="InvalidRuleSetBundleException"/>, never anything else;
/// and servers on a real redis-server keep serving through a run of them. Seeded: a failure names the seed
/// and the iteration that reproduce it.
/// </summary>
public sealed class DamagedBundleGuardTests(ITestOutputHelper output)
{
    private const int Seed = 20261205;

    /// <summary>The shipped rules without the generated national catalogue: the same shapes, small enough to compile hundreds of times.</summary>
    private static readonly Lazy<(RuleSetBundle Bundle, byte[] Bytes)> Small = new(() => TestBundles.Pack(
        new RuleSetSource([.. ShippedRules.Source.Files.Where(f => !f.Path.EndsWith(".generated.csv", StringComparison.Ordinal))])));

    // A limit well under the sound bundle's size, so that some damage (and every bomb) meets it.
    private static readonly BundleLimits Limits = new(BundleLimits.DefaultMaxPackedBytes, 4L << 20);

    [Fact]
    public void RandomlyDamagedBundles_AreAcceptedOrRefusedWithOurException_NeverAnythingElse()
    {
        var sound = Small.Value.Bytes;
        var random = new Random(Seed);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < 400; i++)
        {
            var (kind, damaged) = Damage(sound, random);
            string outcome;
            try
            {
                RuleSetBundle.Open(damaged, Limits);
                outcome = "accepted";
            }
            catch (InvalidRuleSetBundleException ex)
            {
                Assert.NotEmpty(ex.Problems);
                outcome = "refused";
            }
            catch (Exception ex)
            {
                outcome = "other exception";
                failures.Add($"seed {Seed}, iteration {i} ({kind}): {ex.GetType().Name}: {ex.Message}");
            }

            var key = $"{kind}: {outcome}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        output.WriteLine($"400 damaged bundles in {clock.ElapsedMilliseconds} ms (sound bundle {sound.Length} bytes packed, {BundleDamage.Unzip(sound).Length} unpacked)");
        foreach (var (key, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {key}: {count}");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        // The guard is only worth something if the damage reaches every stage: refused ones, and some that compile.
        Assert.Contains(outcomes.Keys, k => k.EndsWith("refused", StringComparison.Ordinal));
        Assert.Contains(outcomes.Keys, k => k.StartsWith("file content", StringComparison.Ordinal));
    }

    [Fact]
    public void GzipBomb_IsRefusedAtTheLimit_WithoutBeingExpandedBeyondIt()
    {
        var bomb = BundleDamage.GzipBomb(1L << 30);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<InvalidRuleSetBundleException>(() => RuleSetBundle.FromBytes(bomb, Limits));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        output.WriteLine($"{bomb.Length} bytes that unpack to 1 GiB: refused after allocating {allocated >> 20} MiB");
        Assert.Contains("more than 4 MiB", error.Message, StringComparison.Ordinal);
        // The packed bytes are copied once; the unpacked JSON grows to the limit and no further.
        Assert.True(allocated < bomb.Length + (3 * Limits.MaxUnpackedBytes), $"allocated {allocated >> 20} MiB for a limit of {Limits.MaxUnpackedBytes >> 20} MiB");
    }

    [Fact]
    public void Bundle_OverThePackedLimit_IsRefusedBeforeItIsUnpacked()
    {
        var error = Assert.Throws<InvalidRuleSetBundleException>(() => RuleSetBundle.FromBytes(Small.Value.Bytes, new BundleLimits(1024, Limits.MaxUnpackedBytes)));

        Assert.Contains("over the limit of 1 KiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RandomlyDamagedBundles_PublishedToARunningServer_AreRefused_AndTheServerKeepsServing()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        var (multiplexer, store) = await ConnectStoreAsync(redis);
        await using var _ = multiplexer;
        var cache = TempFolder();
        try
        {
            var v1 = await store.PublishAsync(TestBundles.Version("1.0.0"));
            await using var server = await StartServerAsync(redis, cache);
            var status = server.Services.GetRequiredService<RuleSetStatus>();
            var random = new Random(Seed + 1);

            for (var i = 0; i < 6; i++)
            {
                var (kind, damaged) = Damage(Small.Value.Bytes, random);
                // Posing under the damaged bytes' own hash: even damage that leaves a sound bundle is refused (it hashes otherwise).
                var posing = BundleDamage.Posing(Small.Value.Bundle, $"5.0.{i}", damaged);
                await store.PublishAsync((posing, damaged));

                Assert.True(await EventuallyAsync(() => Task.FromResult(status.RejectedHash == posing.ContentHash), TimeSpan.FromSeconds(10)),
                    $"iteration {i} ({kind}) was not refused");
                Assert.False(server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, $"iteration {i} ({kind}) stopped the host");
                Assert.Equal(v1, (await server.Client.CheckAsync(WireOrders.FiveLineOrder())).RuleSetVersion);
            }
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }

    /// <summary>One random damage to a sound bundle, named.</summary>
    private static (string Kind, byte[] Bytes) Damage(byte[] sound, Random random)
    {
        switch (random.Next(6))
        {
            case 0:
                var flipped = (byte[])sound.Clone();
                for (var n = random.Next(1, 9); n > 0; n--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return ("bits flipped", flipped);
            case 1:
                return ("truncated", sound[..random.Next(sound.Length)]);
            case 2:
                return ("json member", BundleDamage.Edit(sound, bundle => DamageMember(bundle, random)));
            case 3:
                return ("file content", BundleDamage.Edit(sound, bundle => DamageContent(bundle, random)));
            case 4:
                var json = BundleDamage.Unzip(sound);
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    json[random.Next(json.Length)] = (byte)random.Next(256);
                }

                return ("json bytes", BundleDamage.Gzip(json));
            default:
                return ("gzip bomb", BundleDamage.GzipBomb(random.Next(5, 40) << 20));
        }
    }

    /// <summary>Removes a member, nulls it, or gives it a value of the wrong type: on the bundle, a file entry, or the files array.</summary>
    private static void DamageMember(JsonObject bundle, Random random)
    {
        var files = bundle["files"]!.AsArray();
        JsonObject target = random.Next(3) == 0 ? bundle : files[random.Next(files.Count)]!.AsObject();
        if (random.Next(8) == 0)
        {
            files[random.Next(files.Count)] = random.Next(2) == 0 ? null : JsonValue.Create(42);
            return;
        }

        var names = target.Select(m => m.Key).ToList();
        var name = names[random.Next(names.Count)];
        switch (random.Next(5))
        {
            case 0: target.Remove(name); break;
            case 1: target[name] = null; break;
            case 2: target[name] = JsonValue.Create(random.Next()); break;
            case 3: target[name] = new JsonArray(); break;
            default: target[name] = JsonValue.Create(""); break;
        }

        if (random.Next(2) == 0)
        {
            BundleDamage.Rehash(bundle);
        }
    }

    /// <summary>Mangles one file's text (cut, characters replaced, a line dropped, a duplicate path) and re-hashes, so the damage reaches the compiler.</summary>
    private static void DamageContent(JsonObject bundle, Random random)
    {
        var files = bundle["files"]!.AsArray();
        var file = files[random.Next(files.Count)]!.AsObject();
        var content = file["content"]!.GetValue<string>();
        switch (random.Next(5))
        {
            case 0:
                content = content[..random.Next(content.Length + 1)];
                break;
            case 1:
                var chars = content.ToCharArray();
                for (var n = random.Next(1, 6); n > 0 && chars.Length > 0; n--)
                {
                    chars[random.Next(chars.Length)] = "{}[]\",:;\n0a-\\ \u00e9"[random.Next(15)];
                }

                content = new string(chars);
                break;
            case 2:
                var lines = content.Split('\n').ToList();
                lines.RemoveAt(random.Next(lines.Count));
                content = string.Join('\n', lines);
                break;
            case 3:
                files.Add(new JsonObject { ["path"] = file["path"]!.GetValue<string>(), ["content"] = content });
                break;
            default:
                var builder = new StringBuilder(content);
                builder.Insert(random.Next(content.Length + 1), "\"ctx.Items.First().Code == null ? 1 / 0 : (\"");
                content = builder.ToString();
                break;
        }

        file["content"] = content;
        BundleDamage.Rehash(bundle);
    }
}
