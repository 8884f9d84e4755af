using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace SmartAudit.Testing;

/// <summary>
/// The few librdkafka functions the mock cluster needs, bound to the very file Confluent.Kafka uses.
/// The librdkafka native package ships several Linux builds side by side (<c>librdkafka.so</c>, <c>centos8-librdkafka.so</c>,
/// <c>alpine-librdkafka.so</c>); which one loads depends on the machine (the plain one needs
/// <c>libsasl2.so.3</c>, absent on Debian 12 without <c>libsasl2-2</c>). Confluent.Kafka tries them in
/// that order and keeps the first that loads; so does the resolver here, after letting Confluent.Kafka
/// load first and preferring the file it mapped, so both always share one library.
/// </summary>
internal static partial class RdKafka
{
    private const string Library = "smartaudit-rdkafka";
    private static readonly Lazy<(nint Handle, string Path)> Loaded = new(Load);

    static RdKafka() => NativeLibrary.SetDllImportResolver(typeof(RdKafka).Assembly, Resolve);

    public static string LibraryPath => Loaded.Value.Path;

    /// <summary>The librdkafka files mapped into this process (from <c>/proc/self/maps</c>).</summary>
    public static IReadOnlyList<string> MappedLibraries() =>
        [.. File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct(StringComparer.Ordinal)];

    /// <summary>A bare client handle for <c>rd_kafka_mock_cluster_new</c>, logging errors only.</summary>
    public static unsafe nint NewClientForMock()
    {
        var errors = new byte[512];
        var conf = rd_kafka_conf_new();
        fixed (byte* buffer = errors)
        {
            _ = rd_kafka_conf_set(conf, "log_level", "3", buffer, errors.Length);
            var handle = rd_kafka_new(0 /* producer */, conf, buffer, errors.Length);
            if (handle == 0)
            {
                throw new InvalidOperationException("rd_kafka_new: " + Encoding.UTF8.GetString(errors).TrimEnd('\0'));
            }

            return handle;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Library ? Loaded.Value.Handle : 0;

    private static (nint, string) Load()
    {
        _ = Confluent.Kafka.Library.Version; // let Confluent.Kafka pick its build first
        var platform = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", platform, "native");
        string[] candidates =
        [
            .. MappedLibraries(),
            Path.Combine(native, "librdkafka.so"),
            Path.Combine(native, "centos8-librdkafka.so"),
            Path.Combine(native, "alpine-librdkafka.so"),
        ];
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
            {
                return (handle, candidate);
            }
        }

        throw new DllNotFoundException($"no loadable librdkafka among: {string.Join(", ", candidates)}");
    }

    [LibraryImport(Library)]
    private static partial nint rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int rd_kafka_conf_set(nint conf, string name, string value, byte* errstr, nint errstrSize);

    [LibraryImport(Library)]
    private static unsafe partial nint rd_kafka_new(int type, nint conf, byte* errstr, nint errstrSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_cluster_destroy(nint cluster);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_mock_cluster_bootstraps(nint cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(nint cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_down(nint cluster, int brokerId);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_up(nint cluster, int brokerId);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_push_request_errors_array(nint cluster, short apiKey, nuint count, [In] int[] errors);
}
