using System.CommandLine;
using SharpBpf.Linux;
using SharpBpf.Linux.Printing;

namespace SharpBpf.Cli.Commands.Bpftool;

/// <summary><c>prog run PROG data_in FILE ...</c> (BPF_PROG_TEST_RUN) and <c>prog tracelog</c>.</summary>
internal static partial class ProgCommand
{
    // prog.c: the default room for data_out and ctx_out.
    private const int DefaultRunOutputSize = 32 * 1024;

    static partial void AddRun(Command prog)
    {
        var args = new Argument<string[]>("ARGS")
        {
            Description = "PROG data_in FILE [data_out FILE [data_size_out L]] [ctx_in FILE [ctx_out FILE [ctx_size_out M]]] [repeat N]",
            Arity = ArgumentArity.OneOrMore,
        };
        var run = new Command("run", "Run a program in the kernel on test input (BPF_PROG_TEST_RUN), as bpftool prog run.") { args };
        run.SetAction(p =>
        {
            var a = new BpftoolArgs(p.GetValue(args)!, "prog run");
            using var program = OpenProgram(a, "prog run");
            string? dataIn = null, dataOut = null, ctxIn = null, ctxOut = null;
            uint dataSizeOut = 0, ctxSizeOut = 0, repeat = 1;
            while (!a.AtEnd)
            {
                // detect_common_prefix: "data_" alone (or "ctx_") is ambiguous.
                if (a.Peek is "d" or "da" or "dat" or "data" or "data_" or "c" or "ct" or "ctx" or "ctx_")
                    throw new CliError($"prog run: ambiguous prefix: '{a.Peek}'", 2);
                if (a.Accept("data_in"))
                    dataIn = a.Next("a file for data_in");
                else if (a.Accept("data_out"))
                    dataOut = a.Next("a file for data_out");
                else if (a.Accept("data_size_out"))
                    dataSizeOut = CNumbers.ParseU32(a, "output data size", "prog run");
                else if (a.Accept("ctx_in"))
                    ctxIn = a.Next("a file for ctx_in");
                else if (a.Accept("ctx_out"))
                    ctxOut = a.Next("a file for ctx_out");
                else if (a.Accept("ctx_size_out"))
                    ctxSizeOut = CNumbers.ParseU32(a, "output context size", "prog run");
                else if (a.Accept("repeat"))
                    repeat = CNumbers.ParseU32(a, "repeat number", "prog run");
                else
                    throw new CliError($"prog run: expected no more arguments, 'data_in', 'data_out', 'data_size_out', 'ctx_in', 'ctx_out', 'ctx_size_out' or 'repeat', got: '{a.Peek}'?", 2);
            }
            if (dataIn == "-" && ctxIn == "-")
                throw new CliError("prog run: cannot use standard input for both data_in and ctx_in", 2);
            byte[]? data = dataIn is null ? null : ReadRunInput(dataIn);
            byte[]? ctx = ctxIn is null ? null : ReadRunInput(ctxIn);
            var options = new ProgramTestRunOptions
            {
                Data = data ?? default(ReadOnlyMemory<byte>),
                DataOutSize = data is null ? 0 : (int)(dataSizeOut != 0 ? dataSizeOut : DefaultRunOutputSize),
                Context = ctx ?? default(ReadOnlyMemory<byte>),
                ContextOutSize = ctx is null ? 0 : (int)(ctxSizeOut != 0 ? ctxSizeOut : DefaultRunOutputSize),
                Repeat = repeat,
            };
            ProgramTestRunResult result;
            try
            {
                result = program.TestRun(options);
            }
            catch (BpfException e)
            {
                throw new CliError($"failed to run program: {MapElementPrinter.StrError(e.Errno)}");
            }
            using var output = BpftoolOutput.Open(p);
            output.Json?.StartObject();
            if (result.Data.Length > 0)
                WriteRunOutput(output, result.Data, dataOut, "data_out");
            if (result.Context.Length > 0)
                WriteRunOutput(output, result.Context, ctxOut, "ctx_out");
            if (output.Json is { } j)
            {
                j.UIntField("retval", result.ReturnValue);
                j.UIntField("duration", result.DurationNanoseconds);
                j.EndObject();
            }
            else
            {
                output.Text.Write(RunOutput.Summary(result.ReturnValue, result.DurationNanoseconds, repeat) + "\n");
            }
            return 0;
        });
        prog.Subcommands.Add(run);

        var tracelog = new Command("tracelog", "Stream the kernel's trace pipe (bpf_trace_printk output) until Ctrl-C, as bpftool prog tracelog.");
        tracelog.SetAction(p =>
        {
            string pipe = TraceLog.FindPipe(mount: true, Console.Error) ?? throw new CliError("prog tracelog: could not find the trace pipe");
            using var output = BpftoolOutput.Open(p);
            using var cancel = new CancellationTokenSource();
            output.Json?.StartArray();
            // bpftool's SIGINT handler: close the JSON array and exit cleanly.
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                lock (output)
                {
                    output.Json?.EndArray();
                    output.Dispose();
                }
                Environment.Exit(0);
            };
            using var reader = new StreamReader(new FileStream(pipe, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None));
            TraceLog.Copy(reader, output.Text, output.Json, cancel.Token);
            output.Json?.EndArray();
            return 0;
        });
        prog.Subcommands.Add(tracelog);
    }

    // get_run_data: a file, or "-" for standard input.
    private static byte[] ReadRunInput(string path)
    {
        byte[] bytes;
        if (path == "-")
        {
            using var stdin = Console.OpenStandardInput();
            using var memory = new MemoryStream();
            stdin.CopyTo(memory);
            bytes = memory.ToArray();
        }
        else
        {
            if (!File.Exists(path))
                throw new CliError($"failed to open {path}: No such file or directory");
            bytes = File.ReadAllBytes(path);
        }
        return bytes;
    }

    // print_run_output: to a file, or for "-" to stdout (hex dump, or an array of numbers in JSON).
    private static void WriteRunOutput(BpftoolOutput output, byte[] data, string? file, string jsonKey)
    {
        if (file is null)
            return;
        if (file == "-")
        {
            if (output.Json is { } j)
            {
                j.Name(jsonKey);
                RunOutput.WriteJsonBytes(j, data);
            }
            else
            {
                RunOutput.WriteHex(output.Text, data);
            }
            return;
        }
        File.WriteAllBytes(file, data);
    }
}
