using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SmartAudit.Bench.E2E;

/// <summary>Sleeps until a Stopwatch timestamp, to within tens of microseconds, without burning a core.</summary>
internal static partial class Pacing
{
    private static readonly long SpinThreshold = Stopwatch.Frequency / 20_000; // 50 µs

    public static void SleepUntil(long due)
    {
        while (true)
        {
            var remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > SpinThreshold)
            {
                var micros = (remaining - SpinThreshold) * 1_000_000 / Stopwatch.Frequency;
                if (OperatingSystem.IsLinux())
                {
                    _ = usleep((uint)Math.Min(micros, 1_000_000));
                }
                else
                {
                    Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(1, micros / 1000)));
                }
            }
            else
            {
                Thread.SpinWait(20);
            }
        }
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int usleep(uint microseconds);
}
