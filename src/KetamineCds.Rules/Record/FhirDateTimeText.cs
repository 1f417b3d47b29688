namespace KetamineCds.Rules.Record;

/// <summary>
/// Reads the regular forms of FHIR R4 <c>date</c>, <c>dateTime</c> and <c>instant</c> (FHIR R4 §2.24.0.1 primitive
/// types): a year, a year and month, a date, or a date and time to the second with optional fraction and a required
/// zone. Partial dates are their earliest instant in UTC. Returns false for anything else (a leap second, more than
/// seven fraction digits, a time without zone, an invalid date), which the caller leaves to the Firely SDK.
/// </summary>
internal static class FhirDateTimeText
{
    public static bool TryRead(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (!Digits(text, 0, 4, out var year) || year == 0)
        {
            return false;
        }

        if (text.Length == 4)
        {
            return Make(year, 1, 1, 0, 0, 0, 0, TimeSpan.Zero, out value);
        }

        if (text.Length < 7 || text[4] != '-' || !Digits(text, 5, 2, out var month))
        {
            return false;
        }

        if (text.Length == 7)
        {
            return Make(year, month, 1, 0, 0, 0, 0, TimeSpan.Zero, out value);
        }

        if (text.Length < 10 || text[7] != '-' || !Digits(text, 8, 2, out var day))
        {
            return false;
        }

        if (text.Length == 10)
        {
            return Make(year, month, day, 0, 0, 0, 0, TimeSpan.Zero, out value);
        }

        // Time to the second: "T" hh ":" mm ":" ss
        if (text.Length < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
        {
            return false;
        }

        var position = 19;
        long fractionTicks = 0;
        if (text[position] == '.')
        {
            var start = ++position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            var digits = position - start;
            if (digits is 0 or > 7)
            {
                return false;
            }

            for (var i = start; i < start + 7; i++)
            {
                fractionTicks = (fractionTicks * 10) + (i < position ? text[i] - '0' : 0);
            }
        }

        if (!Zone(text[position..], out var offset))
        {
            return false;
        }

        return Make(year, month, day, hour, minute, second, fractionTicks, offset, out value);
    }

    private static bool Zone(ReadOnlySpan<char> zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone is "Z")
        {
            return true;
        }

        if (zone.Length != 6 || zone[0] is not ('+' or '-') || zone[3] != ':'
            || !Digits(zone, 1, 2, out var hours) || !Digits(zone, 4, 2, out var minutes) || hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (offset > TimeSpan.FromHours(14))
        {
            return false;
        }

        offset = zone[0] == '-' ? -offset : offset;
        return true;
    }

    private static bool Make(int year, int month, int day, int hour, int minute, int second, long fractionTicks, TimeSpan offset, out DateTimeOffset value)
    {
        value = default;
        // The first and last years are left to Firely: a zone offset could carry them past DateTime's range.
        if (year is 1 or 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks), offset);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, int start, int count, out int number)
    {
        number = 0;
        if (text.Length < start + count)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            number = (number * 10) + (text[i] - '0');
        }

        return true;
    }
}
