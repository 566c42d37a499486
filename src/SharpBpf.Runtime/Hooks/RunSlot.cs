using SharpBpf.Runtime.Helpers;
using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Hooks;

/// <summary>An address space and helper environment for one run, reused per thread (nested runs, such as callbacks, take another).</summary>
internal sealed class RunSlot
{
    [ThreadStatic]
    private static Stack<RunSlot>? t_free;

    private RunSlot()
    {
        Map = new MemoryMap();
        Environment = new RunEnvironment([], LoadedProgram.FirstMapRegion);
    }

    public MemoryMap Map { get; }

    public RunEnvironment Environment { get; }

    public static RunSlot Rent() => t_free is { Count: > 0 } free ? free.Pop() : new RunSlot();

    public static void Return(RunSlot slot)
    {
        slot.Map.HelperContext.Environment = slot.Environment;
        slot.Environment.HostState = null;
        slot.Environment.TraceOutput = null;
        slot.Environment.Program = null;
        slot.Environment.PendingTailCall = null;
        (t_free ??= new Stack<RunSlot>()).Push(slot);
    }

    /// <summary>Lays out the regions: context, packet, then the maps' values.</summary>
    public void Layout(in RunInput input, IReadOnlyList<UserMap> maps)
    {
        var map = Map;
        map.Reset();
        map.Add(input.Context, 0, input.ContextLength, input.ContextKind, input.ContextWritable);
        if (input.Packet is { } packet)
            map.Add(packet, input.PacketStart, input.PacketLength, MemoryRegionKind.Packet, true);
        else
            map.Add([], MemoryRegionKind.Packet, false);
        for (int i = 0; i < maps.Count; i++)
        {
            var m = maps[i];
            map.Add(m.Values ?? [], m.RegionKind, !m.ReadOnlyForPrograms && m.Values is not null);
        }
        Environment.Maps = maps;
    }
}

/// <summary>What one run is given: the context bytes and, for network programs, the packet window.</summary>
internal readonly record struct RunInput(byte[] Context, int ContextLength, MemoryRegionKind ContextKind, bool ContextWritable,
    byte[]? Packet, int PacketStart, int PacketLength, ulong R2, int LdAbsRegion);
