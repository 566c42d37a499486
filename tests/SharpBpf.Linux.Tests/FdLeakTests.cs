using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Maps;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>Runs alone: it counts this process's open file descriptors.</summary>
[CollectionDefinition(nameof(FdCountCollection), DisableParallelization = true)]
public sealed class FdCountCollection;

/// <summary>Every object closes its fd on Dispose, on success and on failure paths alike.</summary>
[Collection(nameof(FdCountCollection))]
public sealed class FdLeakTests
{
    [Fact]
    public void Disposing_everything_leaves_no_fd_open()
    {
        Kernel.RequireBpfFs();
        Exercise(); // warm up: the runtime opens files of its own the first time round
        var before = ProcessFds.List();
        for (int i = 0; i < 3; i++)
            Exercise();
        var after = ProcessFds.List();
        Assert.Equal(Count(before, IsBpf), Count(after, IsBpf));
        Assert.True(before.Count == after.Count,
            $"open fds went from {before.Count} to {after.Count}: {string.Join(", ", after.Except(before))}");
    }

    private static void Exercise()
    {
        using (var map = KernelMap.Create(Kernel.Spec(MapType.Hash, 4, 8, 16, "leak")))
        {
            var typed = new BpfMap<uint, ulong>(map);
            typed.Update(1, 2);
            _ = typed.Entries.ToList();
            _ = map.GetInfo();
            using (KernelMap.FromId(map.Id))
            {
            }
            using (KernelMap.FromFd(map.Fd.Duplicate()))
            {
            }
            string path = Kernel.PinPath("leak");
            try
            {
                map.Pin(path);
                using (KernelMap.OpenPinned(path))
                {
                }
                map.Unpin();
            }
            finally
            {
                File.Delete(path);
            }
        }
        using (var program = KernelProgram.Load(ProgramType.Xdp, Assembler.Assemble("r0 = 2\nexit\n"), "GPL"))
        {
            program.TestRun(new byte[64]);
            _ = program.GetInfo();
            _ = program.GetXlatedInstructions();
            using (KernelProgram.FromId(program.Id))
            {
            }
        }
        // Failures must not leak either: a rejected program (loaded twice, the second time for its log),
        // a map whose creation fails after its inner map was made, a missing id.
        Assert.Throws<BpfVerifierException>(() => KernelProgram.Load(ProgramType.Xdp, Assembler.Assemble("exit\n"), "GPL"));
        var bad = new ObjectFile.Spec.MapSpec
        {
            Name = "badouter",
            Type = MapType.ArrayOfMaps,
            KeySize = 4,
            ValueSize = 8, // must be 4
            MaxEntries = 1,
            Origin = ObjectFile.Spec.MapOrigin.BtfMaps,
            SectionName = ".maps",
            InnerMap = Kernel.Spec(MapType.Array, 4, 4, 1, "inner"),
        };
        Assert.Throws<BpfException>(() => KernelMap.Create(bad));
        Assert.Throws<BpfException>(() => KernelMap.FromId(0x7fff_fff0));
        foreach (var id in KernelObjectIds.Btfs().Take(1))
        {
            using var btf = KernelBtf.FromId(id);
            _ = btf.GetInfo();
        }
    }

    private static bool IsBpf(string target) =>
        target.StartsWith("anon_inode:bpf", StringComparison.Ordinal) || target.StartsWith("anon_inode:btf", StringComparison.Ordinal);

    private static int Count(List<string> fds, Func<string, bool> what) => fds.Count(what);

}
