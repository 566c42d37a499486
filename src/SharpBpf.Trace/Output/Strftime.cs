using System.Globalization;
using System.Text;

namespace SharpBpf.Trace.Output;

/// <summary>
/// C's strftime in the C locale, for time() and strftime(): bpftrace hands the format straight to
/// libc, so this follows glibc's output for every conversion C99 and POSIX define.
/// </summary>
public static class Strftime
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>
    /// Formats <paramref name="time"/> (a local or UTC time; its offset prints for %z) with <paramref name="format"/>.
    /// With <paramref name="microseconds"/>, <c>%f</c> prints the microseconds in six digits (bpftrace's
    /// addition for strftime(); time() hands %f to libc, which leaves it as is).
    /// </summary>
    public static string Format(string format, DateTimeOffset time, bool microseconds = false)
    {
        var sb = new StringBuilder();
        var t = time.DateTime;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%' || i + 1 >= format.Length)
            {
                sb.Append(c);
                continue;
            }
            char k = format[++i];
            // glibc ignores the E and O modifiers in the C locale
            if ((k == 'E' || k == 'O') && i + 1 < format.Length)
                k = format[++i];
            switch (k)
            {
                case 'a': sb.Append(Days[(int)t.DayOfWeek], 0, 3); break;
                case 'A': sb.Append(Days[(int)t.DayOfWeek]); break;
                case 'b' or 'h': sb.Append(Months[t.Month - 1], 0, 3); break;
                case 'B': sb.Append(Months[t.Month - 1]); break;
                case 'c': sb.Append(Format("%a %b %e %H:%M:%S %Y", time)); break;
                case 'C': Two(sb, t.Year / 100); break;
                case 'd': Two(sb, t.Day); break;
                case 'D': sb.Append(Format("%m/%d/%y", time)); break;
                case 'e': sb.Append(t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)); break;
                case 'F': sb.Append(Format("%Y-%m-%d", time)); break;
                case 'g': Two(sb, IsoWeekYear(t) % 100); break;
                case 'G': sb.Append(IsoWeekYear(t).ToString(CultureInfo.InvariantCulture)); break;
                case 'H': Two(sb, t.Hour); break;
                case 'I': Two(sb, t.Hour % 12 == 0 ? 12 : t.Hour % 12); break;
                case 'j': sb.Append(t.DayOfYear.ToString("000", CultureInfo.InvariantCulture)); break;
                case 'k': sb.Append(t.Hour.ToString(CultureInfo.InvariantCulture).PadLeft(2)); break;
                case 'l': sb.Append((t.Hour % 12 == 0 ? 12 : t.Hour % 12).ToString(CultureInfo.InvariantCulture).PadLeft(2)); break;
                case 'm': Two(sb, t.Month); break;
                case 'M': Two(sb, t.Minute); break;
                case 'n': sb.Append('\n'); break;
                case 'p': sb.Append(t.Hour < 12 ? "AM" : "PM"); break;
                case 'P': sb.Append(t.Hour < 12 ? "am" : "pm"); break;
                case 'r': sb.Append(Format("%I:%M:%S %p", time)); break;
                case 'R': sb.Append(Format("%H:%M", time)); break;
                case 's': sb.Append(time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)); break;
                case 'S': Two(sb, t.Second); break;
                case 't': sb.Append('\t'); break;
                case 'T': sb.Append(Format("%H:%M:%S", time)); break;
                case 'u': sb.Append(t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek); break;
                case 'U': Two(sb, (t.DayOfYear + 6 - (int)t.DayOfWeek) / 7); break;
                case 'V': Two(sb, ISOWeek.GetWeekOfYear(t)); break;
                case 'w': sb.Append((int)t.DayOfWeek); break;
                case 'W': Two(sb, (t.DayOfYear + 6 - ((int)t.DayOfWeek + 6) % 7) / 7); break;
                case 'x': sb.Append(Format("%m/%d/%y", time)); break;
                case 'X': sb.Append(Format("%H:%M:%S", time)); break;
                case 'y': Two(sb, t.Year % 100); break;
                case 'Y': sb.Append(t.Year.ToString(CultureInfo.InvariantCulture)); break;
                case 'z':
                {
                    var off = time.Offset;
                    sb.Append(off < TimeSpan.Zero ? '-' : '+');
                    off = off.Duration();
                    Two(sb, off.Hours);
                    Two(sb, off.Minutes);
                    break;
                }
                case 'Z': sb.Append(time.Offset == TimeSpan.Zero ? "UTC" : ZoneAbbreviation(time)); break;
                case 'f' when microseconds:
                    sb.Append((time.Ticks / 10 % 1_000_000).ToString("000000", CultureInfo.InvariantCulture));
                    break;
                case '%': sb.Append('%'); break;
                default: sb.Append('%').Append(k); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Now, in the local time zone (time()'s clock).</summary>
    public static string Now(string format) => Format(format, DateTimeOffset.Now);

    /// <summary>
    /// strftime(fmt, nsecs): <paramref name="nsecsSinceBoot"/> is bpf_ktime_get_ns() (CLOCK_MONOTONIC) and
    /// <paramref name="bootTime"/> the wall-clock time of boot, as bpftrace adds them; <c>%f</c> is the microseconds.
    /// </summary>
    public static string FromBoot(string format, DateTimeOffset bootTime, ulong nsecsSinceBoot) =>
        Format(format, bootTime.AddTicks((long)(nsecsSinceBoot / 100)).ToLocalTime(), microseconds: true);

    private static void Two(StringBuilder sb, int v) => sb.Append(v.ToString("00", CultureInfo.InvariantCulture));

    private static int IsoWeekYear(DateTime t) => ISOWeek.GetYear(t);

    private static string ZoneAbbreviation(DateTimeOffset time)
    {
        var tz = TimeZoneInfo.Local;
        var name = tz.IsDaylightSavingTime(time) ? tz.DaylightName : tz.StandardName;
        return name.Length > 0 ? name : "UTC";
    }
}
