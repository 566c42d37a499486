using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SharpBpf.Bench;

/// <summary>Runs ../shared/bench/kernel_bench.py (the Linux JIT through bpf(2), needs root) for one program.</summary>
internal static class KernelBench
{
    /// <summary>What the Linux column shows: ns/run, or why there is no figure.</summary>
    public readonly record struct Outcome(double? NsPerRun, string Text);

    public static Outcome Run(string sharedDir, string program, ulong expected, int? repeat = null, int trials = 5)
    {
        string bench = Path.Combine(sharedDir, "bench");
        string script = Path.Combine(bench, "kernel_bench.py");
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { script, Path.Combine(bench, "bytecode", program + ".bin"), Path.Combine(bench, "bytecode", "pkt1500.bin"), "--trials", trials.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        if (repeat is { } n)
        {
            psi.ArgumentList.Add("--repeat");
            psi.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
        }
        string stdout, stderr;
        int exit;
        try
        {
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            stdout = p.StandardOutput.ReadToEnd();
            stderr = err.GetAwaiter().GetResult();
            if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                p.Kill(entireProcessTree: true);
                return new Outcome(null, "kernel_bench.py timed out");
            }
            exit = p.ExitCode;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new Outcome(null, $"cannot start python3: {e.Message}");
        }
        string? json = stdout.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (exit != 0 || json is null)
            return new Outcome(null, "failed: " + LastLine(stderr.Length > 0 ? stderr : stdout));
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string status = root.GetProperty("status").GetString() ?? "?";
            if (status != "loaded")
            {
                string why = root.TryGetProperty("verifier_tail", out var tail) && tail.ValueKind == JsonValueKind.Array
                    ? tail.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t is not null && t.Contains("too large", StringComparison.Ordinal))
                      ?? tail.EnumerateArray().LastOrDefault().GetString() ?? ""
                    : root.TryGetProperty("errno", out var errno) ? errno.GetString() ?? "" : "";
                return new Outcome(null, $"{status} by the verifier: {why.Trim()}");
            }
            double ns = root.GetProperty("ns_per_run_median").GetDouble();
            // XDP returns 32 bits: compare the low half (kernel_bench.py's own convention).
            ulong retval = ulong.Parse(root.GetProperty("retval").GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            string text = ns.ToString("#,0", CultureInfo.InvariantCulture);
            if (retval != (expected & 0xffff_ffff))
                text += $" (WRONG r0 0x{retval:x})";
            return new Outcome(ns, text);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            return new Outcome(null, $"unreadable output: {LastLine(json)}");
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
}
