namespace SmartAudit.Core.Rules;

/// <summary>
/// Dates as messages show them, <c>yyyy-MM-dd</c>: the same text as
/// <c>date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)</c>, written digit by digit instead of through
/// the custom-format machinery, which costs more than the rest of a short message.
/// </summary>
internal static class DateText
{
    public const int Length = 10;

    public static string Format(DateOnly date) => string.Create(Length, date, static (text, d) => Write(d, text));

    /// <summary>Writes <paramref name="date"/> into the first <see cref="Length"/> characters of <paramref name="text"/>.</summary>
    public static void Write(DateOnly date, Span<char> text)
    {
        var (year, month, day) = date;
        text[9] = (char)('0' + (day % 10));
        text[8] = (char)('0' + (day / 10));
        text[7] = '-';
        text[6] = (char)('0' + (month % 10));
        text[5] = (char)('0' + (month / 10));
        text[4] = '-';
        text[3] = (char)('0' + (year % 10));
        text[2] = (char)('0' + (year / 10 % 10));
        text[1] = (char)('0' + (year / 100 % 10));
        text[0] = (char)('0' + (year / 1000));
    }
}
