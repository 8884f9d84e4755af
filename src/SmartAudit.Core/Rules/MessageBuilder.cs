using System.Buffers;
using System.Globalization;

namespace SmartAudit.Core.Rules;

/// <summary>
/// Builds one message in a caller's buffer, a pooled array taking over past its end: the finished string is
/// the only allocation. Numbers are written with the invariant culture, dates as <see cref="DateText"/>.
/// </summary>
internal ref struct MessageBuilder(Span<char> buffer)
{
    private Span<char> _chars = buffer;
    private char[]? _rented;
    private int _length;

    public void Append(string text)
    {
        if (!text.TryCopyTo(_chars[_length..]))
        {
            Grow(text.Length);
            text.CopyTo(_chars[_length..]);
        }

        _length += text.Length;
    }

    public void Append(char c)
    {
        if (_length == _chars.Length)
        {
            Grow(1);
        }

        _chars[_length++] = c;
    }

    /// <summary>As <c>value.ToString(format, CultureInfo.InvariantCulture)</c>.</summary>
    public void Append<T>(T value, ReadOnlySpan<char> format = default)
        where T : ISpanFormattable
    {
        int written;
        while (!value.TryFormat(_chars[_length..], out written, format, CultureInfo.InvariantCulture))
        {
            Grow(32);
        }

        _length += written;
    }

    public void Append(DateOnly date)
    {
        if (_chars.Length - _length < DateText.Length)
        {
            Grow(DateText.Length);
        }

        DateText.Write(date, _chars.Slice(_length, DateText.Length));
        _length += DateText.Length;
    }

    /// <summary>The text built so far; the builder is empty again and has given back any array it rented.</summary>
    public string ToStringAndClear()
    {
        var text = new string(_chars[.._length]);
        if (_rented is not null)
        {
            ArrayPool<char>.Shared.Return(_rented);
            _rented = null;
        }

        _chars = default;
        _length = 0;
        return text;
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, _length + needed));
        _chars[.._length].CopyTo(larger);
        if (_rented is not null)
        {
            ArrayPool<char>.Shared.Return(_rented);
        }

        _rented = larger;
        _chars = larger;
    }
}
