using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace SharpBpf.Trace.Runtime;

/// <summary>The command of <c>-c</c>: split into words as a shell would and started without one.</summary>
public static class ChildCommand
{
    /// <summary>Starts -c's command (no shell: <see cref="Split"/> splits it) with the tracer's stdin and stdout.</summary>
    public static Process Start(string command)
    {
        var argv = Argv(command);
        var psi = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (string a in argv.Skip(1))
            psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command}");
    }

    // The command's words, its program resolved (ResolveBinary).
    private static List<string> Argv(string command)
    {
        var argv = Split(command);
        if (argv.Count == 0)
            throw new TraceRuntimeException("-c: empty command");
        argv[0] = ResolveBinary(argv[0]);
        return argv;
    }

    /// <summary>
    /// Starts -c's command stopped, as bpftrace does, so that its process id is known before the programs load
    /// (<c>cpid</c> is a constant in them) and no event of it is missed: a shell that stops itself, and once
    /// resumed (<see cref="Resume"/>) execs the command in the same process.
    /// </summary>
    public static Process StartStopped(string command)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (string a in (string[])["-c", "kill -STOP $$; exec \"$@\"", "sh", .. Argv(command)])
            psi.ArgumentList.Add(a);
        var child = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command}");
        // Stopped: state T in /proc/PID/stat (after the command name, which may hold spaces and parentheses).
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{child.Id}/stat");
            }
            catch (IOException)
            {
                stat = "";
            }
            int end = stat.LastIndexOf(')');
            if (end > 0 && end + 2 < stat.Length && stat[end + 2] == 'T')
                return child;
            if (child.HasExited || deadline.ElapsedMilliseconds > 10_000)
            {
                if (!child.HasExited)
                    child.Kill();
                child.Dispose();
                throw new TraceRuntimeException($"-c: could not start {command}");
            }
            Thread.Sleep(1);
        }
    }

    /// <summary>Lets a command started by <see cref="StartStopped"/> run.</summary>
    public static void Resume(Process child)
    {
        if (kill(child.Id, SigCont) != 0)
            throw new TraceRuntimeException($"-c: could not resume the command: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    private const int SigCont = 18;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Splits -c's command into words as a shell would (blanks, single and double quotes, backslash), without running a shell.</summary>
    public static List<string> Split(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
                else if (c == '\\' && quote == '"' && i + 1 < command.Length)
                    word.Append(command[++i]);
                else
                    word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (c == '\\' && i + 1 < command.Length)
            {
                word.Append(command[++i]);
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        return words;
    }

    /// <summary>-c's program: as given when it has a slash, else the first match on PATH.</summary>
    public static string ResolveBinary(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
            return name;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            string p = Path.Combine(dir, name);
            if (File.Exists(p))
                return p;
        }
        return name;
    }
}
