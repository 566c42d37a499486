namespace SharpBpf.Linux.Tests;

/// <summary>This process's open file descriptors, for the tests that count them (all in <see cref="FdCountCollection"/>).</summary>
internal static class ProcessFds
{
    /// <summary>
    /// The targets of /proc/self/fd/* ("anon_inode:bpf-map", "socket:[123]", "/dev/null", ...), sorted. Left out:
    /// the directory's own fd, and the assemblies and libraries the runtime maps lazily the first time a code
    /// path runs (System.*.dll, lib*.so), which no SharpBpf object owns.
    /// </summary>
    public static List<string> List()
    {
        // Finalizers of earlier tests' objects (child process pipes) close fds on their own time.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var result = new List<string>();
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(entry).LinkTarget;
                if (target is not null && !target.StartsWith("/proc/", StringComparison.Ordinal) &&
                    !target.EndsWith(".dll", StringComparison.Ordinal) && !target.EndsWith(".so", StringComparison.Ordinal) &&
                    !target.Contains(".so.", StringComparison.Ordinal))
                    result.Add(target);
            }
            catch (IOException)
            {
                // Closed between listing and reading: the directory's own fd.
            }
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }
}
