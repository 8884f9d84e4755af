namespace SmartAudit.Core.Cases;

/// <summary>
/// Sums of money in fen that never throw. Amounts come from outside (a claim's lines): two near
/// <see cref="long.MaxValue"/> overflowed <c>Enumerable.Sum</c>'s checked add, outside any catch, and stopped the host.
/// A sum past the range stays at <see cref="long.MaxValue"/> (or <see cref="long.MinValue"/>): such a claim is nonsense and
/// still a case to look at, shown at the largest amount there is rather than wrapped to a negative one or lost.
/// </summary>
public static class Fen
{
    /// <summary><paramref name="a"/> + <paramref name="b"/>, held at the range's end instead of overflowing.</summary>
    public static long AddSaturating(long a, long b)
    {
        var sum = unchecked(a + b);
        // Overflow only when both have the same sign and the sum's sign differs from it.
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }
}
