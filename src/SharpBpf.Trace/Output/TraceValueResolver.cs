using System.Buffers.Binary;
using System.Globalization;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Output;

/// <summary>
/// The resolver for values that need no tracing session: ksym through <see cref="KernelSymbols"/>,
/// username through /etc/passwd; anything else (stacks, usym, probe) prints as a hex address.
/// Derive from it to add what the session knows.
/// </summary>
public class TraceValueResolver : ITraceValueResolver
{
    private KernelSymbols? _kernel;
    private Dictionary<long, string>? _users;

    /// <summary>A resolver reading /proc/kallsyms and /etc/passwd on first use.</summary>
    public TraceValueResolver() { }

    /// <summary>A resolver over a given kernel symbol table (tests).</summary>
    public TraceValueResolver(KernelSymbols kernel) => _kernel = kernel;

    /// <inheritdoc/>
    public virtual string Resolve(TraceType type, ReadOnlySpan<byte> value, bool inKey)
    {
        ulong v = value.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(value) : 0;
        switch (type.Kind)
        {
            case TypeKind.Ksym:
                return (_kernel ??= KernelSymbols.Load()).Format(v, showOffset: false);
            case TypeKind.Username:
                return UserName((long)v);
            case TypeKind.Strftime:
                return Strftime.FromBoot(StrftimeFormat(type, value), BootTime, v);
            case TypeKind.MacAddress:
                return value.Length >= 6
                    ? string.Create(CultureInfo.InvariantCulture, $"{value[0]:X2}:{value[1]:X2}:{value[2]:X2}:{value[3]:X2}:{value[4]:X2}:{value[5]:X2}")
                    : "";
            default:
                return "0x" + v.ToString("x", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The plan's strftime() formats, which a strftime value's second word indexes (see <see cref="TraceType.Strftime"/>).</summary>
    public IReadOnlyList<string> StrftimeFormats { get; init; } = [];

    // The value's own format when it carries an index into StrftimeFormats, else its type's.
    private string StrftimeFormat(TraceType type, ReadOnlySpan<byte> value)
    {
        ulong index = value.Length >= 16 ? BinaryPrimitives.ReadUInt64LittleEndian(value[8..]) : ulong.MaxValue;
        return index < (ulong)StrftimeFormats.Count ? StrftimeFormats[(int)index] : type.Format ?? "";
    }

    /// <summary>The wall-clock time of boot as CLOCK_MONOTONIC counts it (strftime()'s epoch: bpftrace adds it to nsecs).</summary>
    public static DateTimeOffset BootTime { get; } = ComputeBootTime();

    private static DateTimeOffset ComputeBootTime()
    {
        // Stopwatch is CLOCK_MONOTONIC on Linux, the clock bpf_ktime_get_ns() reads.
        long ticks = System.Diagnostics.Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        double ns = ticks * (1e9 / System.Diagnostics.Stopwatch.Frequency);
        return now.AddTicks(-(long)(ns / 100));
    }

    /// <summary>The name /etc/passwd gives uid <paramref name="uid"/>, or an empty string (bpftrace's resolve_uid).</summary>
    public string UserName(long uid)
    {
        if (_users is null)
        {
            _users = [];
            try
            {
                foreach (var line in File.ReadLines("/etc/passwd"))
                {
                    var f = line.Split(':');
                    if (f.Length > 2 && long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                        _users.TryAdd(id, f[0]);
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return _users.TryGetValue(uid, out var name) ? name : "";
    }
}
