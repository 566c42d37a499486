using SharpBpf.ObjectFile.Spec;
using SharpBpf.Runtime.Hooks;
using SharpBpf.Runtime.Jit;
using SharpBpf.Runtime.Maps;

namespace SharpBpf.Cli.Commands;

/// <summary><c>sharpbpf run OBJ --section xdp --pcap FILE</c>: an XDP program of an object over a capture, in the userspace runtime.</summary>
internal static class RunPcap
{
    private static readonly string[] VerdictNames = ["XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"];

    public static int Execute(string objectPath, string section, string pcapPath, EngineKind engine, long budget, TextWriter output)
    {
        if (!File.Exists(objectPath))
            throw new CliError($"{objectPath}: no such file");
        if (!File.Exists(pcapPath))
            throw new CliError($"{pcapPath}: no such file");
        CollectionSpec spec;
        try
        {
            spec = CollectionLoader.Load(objectPath);
        }
        catch (Exception e) when (e is not CliError)
        {
            throw new CliError($"{objectPath}: {e.Message}");
        }
        (uint linkType, List<PcapPacket> packets) capture;
        try
        {
            capture = PcapReader.Read(pcapPath);
        }
        catch (PcapFormatException e)
        {
            throw new CliError(e.Message);
        }
        if (capture.linkType != PcapReader.LinkTypeEthernet)
            throw new CliError($"{pcapPath}: link type {capture.linkType} is not Ethernet (1); XDP programs see Ethernet frames");

        using var collection = Load(spec, engine, budget);
        LoadedProgram program;
        try
        {
            program = collection.LoadSection(section);
        }
        catch (KeyNotFoundException e)
        {
            throw new CliError($"{objectPath}: {e.Message}", 2);
        }
        catch (ProgramRejectedException e)
        {
            throw new CliError(e.Message);
        }
        catch (ArgumentException e)
        {
            throw new CliError($"{objectPath}: {e.Message}");
        }
        if (program.Type != SharpBpf.Core.ProgramType.Xdp)
            throw new CliError($"program '{program.Name}' (section {section}) is not an XDP program; --pcap runs XDP programs", 2);
        if (program.EngineFallbackReason is { } why)
            Console.Error.WriteLine($"run: the JIT is unavailable ({why}); using the interpreter");

        var hook = new XdpHook();
        using var link = hook.Attach(program);
        var counts = new long[VerdictNames.Length];
        var trace = new StringWriter();
        var options = new RunOptions { TraceOutput = trace };
        string? firstError = null;
        int faults = 0;
        foreach (var packet in capture.packets)
        {
            var action = hook.Run(packet.Data, 0, packet.Data.Length, out var result, options);
            counts[(int)action]++;
            if (result.Error is { } error)
            {
                faults++;
                firstError ??= $"packet at offset {packet.Offset}: {error}";
            }
        }
        output.WriteLine($"{program.Name} (section {section}, {(program.Engine == EngineKind.Jit ? "jit" : "interp")}): {capture.packets.Count} packets from {pcapPath}");
        for (int i = 0; i < counts.Length; i++)
            output.WriteLine($"  {VerdictNames[i],-13} {counts[i]}");
        if (faults > 0)
            output.WriteLine($"  {faults} run(s) faulted (counted as XDP_ABORTED); first: {firstError}");
        if (trace.GetStringBuilder().Length > 0)
        {
            output.WriteLine();
            output.WriteLine("trace_printk:");
            output.Write(trace.ToString());
        }
        foreach (var map in collection.Maps.Values)
        {
            output.WriteLine();
            UserMapDump.Write(output, map);
        }
        return 0;
    }

    private static UserCollection Load(CollectionSpec spec, EngineKind engine, long budget)
    {
        try
        {
            return UserCollection.Load(spec, new ProgramLoadOptions { Engine = engine, InstructionBudget = budget });
        }
        catch (BpfMapException e)
        {
            throw new CliError(e.Message);
        }
        catch (ProgramRejectedException e)
        {
            throw new CliError(e.Message);
        }
    }
}
