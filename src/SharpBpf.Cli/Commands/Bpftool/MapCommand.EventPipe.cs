using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Linux;
using SharpBpf.Linux.Events;
using SharpBpf.Linux.Printing;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary>
/// <c>map event_pipe MAP [cpu N index M]</c>: bpftool's map_perf_ring.c. Opens a buffer on every
/// online CPU (or on CPU N, stored at index M) of a perf event array and prints each sample as it
/// comes, until SIGINT, SIGTERM or SIGHUP.
/// </summary>
internal static partial class MapCommand
{
    // bpftool's MMAP_PAGE_CNT.
    private const int EventPipePages = 16;

    // include/uapi/linux/perf_event.h: the record types bpftool prints as "type".
    private const uint PerfRecordLost = 2;
    private const uint PerfRecordSample = 9;

    static partial void AddEventPipe(Command map)
    {
        var args = new Argument<string[]>("ARGS") { Description = "MAP [cpu N index M]; MAP := id ID | pinned FILE | name NAME", Arity = ArgumentArity.OneOrMore };
        var eventPipe = new Command("event_pipe", "Print the samples a perf event array receives until Ctrl-C: map event_pipe MAP [cpu N index M] (bpftool map event_pipe).") { args };
        eventPipe.SetAction(p => EventPipe(p, new BpftoolArgs(p.GetValue(args)!, "map event_pipe")));
        map.Subcommands.Add(eventPipe);
    }

    private static int EventPipe(ParseResult p, BpftoolArgs a)
    {
        const string CommandName = "map event_pipe";
        // Before anything is opened: a signal during setup ends the command as cleanly as one later.
        using var stop = new CancellationTokenSource();
        Action<PosixSignalContext> onSignal = context =>
        {
            context.Cancel = true;
            Console.Error.WriteLine("Stopping...");
            stop.Cancel();
        };
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, onSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, onSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, onSignal);

        using var map = OpenMap(a, CommandName);
        int? cpu = null, index = null;
        while (!a.AtEnd)
        {
            if (a.Accept("cpu"))
                cpu = ParseInt(a.Next("a CPU"), "CPU ID");
            else if (a.Accept("index"))
                index = ParseInt(a.Next("an index"), "index");
            else
                throw a.Unexpected();
        }
        if (cpu.HasValue != index.HasValue)
            throw new CliError($"{CommandName}: cpu and index must be specified together", 2);
        if (map.Type != MapType.PerfEventArray)
            throw new CliError($"{CommandName}: map is not a perf event array");

        var options = new PerfBufferOptions
        {
            PagesPerCpu = EventPipePages,
            Timestamps = true,
            Cpus = cpu is { } c ? [c] : null,
            MapIndexes = index is { } i ? [i] : null,
        };
        PerfBufferReader reader;
        try
        {
            reader = new PerfBufferReader(map, options);
        }
        catch (Exception e) when (e is BpfException or ArgumentException)
        {
            throw new CliError($"{CommandName}: failed to create perf buffer: {e.Message}");
        }

        using (reader)
        using (var output = BpftoolOutput.Open(p))
        {
            output.Json?.StartArray();
            PerfSampleHandler onSample = sample => PrintSample(output, sample);
            Action<PerfLostRecord> onLost = lost => PrintLost(output, lost);
            try
            {
                while (true)
                {
                    reader.Poll(Timeout.InfiniteTimeSpan, onSample, onLost, stop.Token);
                    output.Text.Flush();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // SIGINT, SIGTERM or SIGHUP: close the JSON array and exit cleanly, as bpftool does.
            }
            catch (BpfException e)
            {
                throw new CliError($"{CommandName}: perf buffer polling failed: {e.Message}");
            }
            output.Json?.EndArray();
        }
        return 0;
    }

    // bpftool parses both with strtoul(argv, &endptr, 0).
    private static int ParseInt(string text, string what) =>
        CNumbers.TryParseUnsigned(text, 0, out ulong value) && value <= int.MaxValue
            ? (int)value
            : throw new CliError($"map event_pipe: can't parse {text} as {what}", 2);

    // print_bpf_output for PERF_RECORD_SAMPLE.
    private static void PrintSample(BpftoolOutput output, PerfSample sample)
    {
        if (output.Json is { } json)
        {
            json.StartObject();
            json.UIntField("type", PerfRecordSample);
            json.UIntField("cpu", (ulong)sample.Cpu);
            json.UIntField("index", (ulong)sample.MapIndex);
            json.UIntField("timestamp", sample.Timestamp);
            // print_data_json: the bytes as decimal numbers.
            json.Name("data");
            json.StartArray();
            foreach (byte b in sample.Data)
                json.UInt(b);
            json.EndArray();
            json.EndObject();
            return;
        }
        var text = output.Text;
        text.Write(string.Create(CultureInfo.InvariantCulture,
            $"== @{sample.Timestamp / 1_000_000_000}.{sample.Timestamp % 1_000_000_000:D9} CPU: {sample.Cpu} index: {sample.MapIndex} =====\n"));
        MapElementPrinter.WriteHex(text, sample.Data);
        text.Write('\n');
    }

    // print_bpf_output for PERF_RECORD_LOST.
    private static void PrintLost(BpftoolOutput output, PerfLostRecord lost)
    {
        if (output.Json is { } json)
        {
            json.StartObject();
            json.UIntField("type", PerfRecordLost);
            json.UIntField("cpu", (ulong)lost.Cpu);
            json.UIntField("index", (ulong)lost.MapIndex);
            json.Name("lost");
            json.StartObject();
            json.UIntField("id", lost.EventId);
            json.UIntField("count", lost.Count);
            json.EndObject();
            json.EndObject();
            return;
        }
        output.Text.Write(string.Create(CultureInfo.InvariantCulture, $"lost {lost.Count} events\n"));
    }
}
