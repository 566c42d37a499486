using SharpBpf.Linux.Loader;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>A collection closes every fd it opened, loaded or failed; runs alone as it counts this process's fds.</summary>
[Collection(nameof(FdCountCollection))]
public sealed class LoaderFdTests
{
    [Fact]
    public void Loading_and_disposing_collections_leaves_no_fd_open()
    {
        string pins = LoaderTests.PinDirectory("fds");
        try
        {
            Exercise(pins); // warm up: vmlinux BTF parsed, runtime files opened
            var before = ProcessFds.List();
            for (int i = 0; i < 2; i++)
                Exercise(pins);
            var after = ProcessFds.List();
            Assert.Equal(before.Count(IsBpf), after.Count(IsBpf));
            Assert.True(before.Count == after.Count,
                $"open fds went from {before.Count} to {after.Count}: now {string.Join(", ", after)}");
        }
        finally
        {
            LoaderTests.RemovePins(pins);
        }
    }

    private static void Exercise(string pins)
    {
        foreach (var fixture in new[] { "prog_types", "maps_btf", "global_data", "subprogs", "core_task", "core_local", "ksyms" })
        {
            int outside = ProcessFds.List().Count(IsBpf);
            using var collection = Collection.Load(LoaderTests.Fixture(fixture), new CollectionOptions { PinPath = pins });
            foreach (var p in collection.Programs.Values)
                _ = p.GetInfo();
            // Its programs, maps and BTF are open while it lives (a test that could fail).
            Assert.Equal(outside + collection.Programs.Count + collection.Maps.Count + 1, ProcessFds.List().Count(IsBpf));
        }
        // A failed load closes what it made before failing.
        Assert.ThrowsAny<BpfException>(() => Collection.Load(LoaderTests.Fixture("global_data"), new CollectionOptions { KernelConfig = new Dictionary<string, string> { ["CONFIG_HZ"] = "\"x\"" } }));
        Assert.ThrowsAny<BpfException>(() => Collection.Load(LoaderTests.Fixture("ksyms"), new CollectionOptions { Programs = ["switch_runqueues"] }));
    }

    private static bool IsBpf(string target) =>
        target.StartsWith("anon_inode:bpf", StringComparison.Ordinal) || target.StartsWith("anon_inode:btf", StringComparison.Ordinal);

}
