namespace SmartAudit.Bench.E2E;

/// <summary>Latencies (and the server's own evaluation times) of one measured run.</summary>
internal sealed class Samples
{
    private readonly List<long> _ticks = new(1 << 16);
    private readonly List<long> _serverMicros = new(1 << 16);
    private readonly Lock _gate = new();

    private readonly List<long> _lateness = [];

    public long Errors;

    /// <summary>How late the generator sent a request after it was due (open loop only).</summary>
    public void AddLateness(long ticks)
    {
        lock (_gate)
        {
            _lateness.Add(ticks);
        }
    }

    public double? LatenessP50Micros()
    {
        lock (_gate)
        {
            return _lateness.Count == 0 ? null : Percentile([.. _lateness.Select(t => t * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency).Order()], 50);
        }
    }

    public void Add(long elapsedTicks, long serverMicros = -1)
    {
        lock (_gate)
        {
            _ticks.Add(elapsedTicks);
            if (serverMicros >= 0)
            {
                _serverMicros.Add(serverMicros);
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ticks.Count;
            }
        }
    }

    /// <summary>Latency percentiles in microseconds: p50, p90, p99, p99.9, max.</summary>
    public double[] LatencyMicros()
    {
        double[] sorted;
        lock (_gate)
        {
            sorted = [.. _ticks.Select(t => t * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency).Order()];
        }

        return [Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99), Percentile(sorted, 99.9), sorted.Length == 0 ? double.NaN : sorted[^1]];
    }

    /// <summary>The server's reported evaluation time: p50 and p99 in microseconds, or null when none was reported.</summary>
    public (double P50, double P99)? ServerMicros()
    {
        double[] sorted;
        lock (_gate)
        {
            if (_serverMicros.Count == 0)
            {
                return null;
            }

            sorted = [.. _serverMicros.Select(m => (double)m).Order()];
        }

        return (Percentile(sorted, 50), Percentile(sorted, 99));
    }

    private static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
