using System.Globalization;

namespace SharpBpf.Linux;

/// <summary>Facts about the running kernel and machine that bpf(2) users need.</summary>
public static class LinuxKernel
{
    private static readonly Lazy<string> ReleaseValue = new(() =>
        File.Exists("/proc/sys/kernel/osrelease") ? KernelFiles.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "");

    private static readonly Lazy<Version> VersionValue = new(() => ParseRelease(Release));

    private static readonly Lazy<int> PossibleCpusValue = new(() =>
        ParseCpuList(KernelFiles.ReadAllText("/sys/devices/system/cpu/possible")));

    /// <summary>The kernel release, as uname -r prints it ("6.18.44-fc-v1272"); empty off Linux.</summary>
    public static string Release => ReleaseValue.Value;

    /// <summary>The kernel version (major.minor.patch of <see cref="Release"/>; 0.0 when unknown).</summary>
    public static Version Version => VersionValue.Value;

    /// <summary>
    /// The number of possible CPUs (/sys/devices/system/cpu/possible): how many values a per-CPU
    /// map's lookup returns, as libbpf_num_possible_cpus counts them.
    /// </summary>
    public static int PossibleCpus => PossibleCpusValue.Value;

    /// <summary>
    /// The CPUs online now (/sys/devices/system/cpu/online), in increasing order: where per-CPU
    /// perf buffers are opened, as libbpf's perf_buffer__new chooses them. Read afresh on each call.
    /// </summary>
    public static IReadOnlyList<int> OnlineCpus() => ParseCpuIndices(KernelFiles.ReadAllText("/sys/devices/system/cpu/online"));

    /// <summary>Parses "6.18.44-fc" or "5.15.0-91-generic" into a version (0.0 when it has no numbers).</summary>
    internal static Version ParseRelease(string release)
    {
        var parts = new int[3];
        int n = 0, at = 0;
        while (n < 3 && at < release.Length && char.IsAsciiDigit(release[at]))
        {
            int start = at;
            while (at < release.Length && char.IsAsciiDigit(release[at]))
                at++;
            parts[n++] = int.Parse(release.AsSpan(start, at - start), CultureInfo.InvariantCulture);
            if (at < release.Length && release[at] == '.')
                at++;
            else
                break;
        }
        return n == 0 ? new Version(0, 0) : new Version(parts[0], parts[1], parts[2]);
    }

    /// <summary>The CPUs of a kernel cpu list ("0-2,5" is 0, 1, 2, 5), in the list's order.</summary>
    internal static int[] ParseCpuIndices(string list)
    {
        var cpus = new List<int>();
        foreach (var range in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = range.IndexOf('-', StringComparison.Ordinal);
            int first = int.Parse(dash < 0 ? range : range.AsSpan(0, dash), CultureInfo.InvariantCulture);
            int last = dash < 0 ? first : int.Parse(range.AsSpan(dash + 1), CultureInfo.InvariantCulture);
            if (last < first)
                throw new FormatException($"bad cpu range '{range}'");
            for (int cpu = first; cpu <= last; cpu++)
                cpus.Add(cpu);
        }
        if (cpus.Count == 0)
            throw new FormatException($"empty cpu list '{list}'");
        return [.. cpus];
    }

    /// <summary>
    /// Counts the CPUs of a kernel cpu list ("0-3,8-11" is 8): the format of
    /// /sys/devices/system/cpu/possible (lib/bitmap-str.c, bitmap_print_to_pagebuf with a list).
    /// </summary>
    internal static int ParseCpuList(string list) => ParseCpuIndices(list).Length;
}
