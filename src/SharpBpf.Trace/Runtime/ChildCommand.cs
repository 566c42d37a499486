using System.Diagnostics;
using System.Text;

namespace SharpBpf.Trace.Runtime;

/// <summary>The command of <c>-c</c>: split into words as a shell would and started without one.</summary>
public static class ChildCommand
{
    /// <summary>Starts -c's command (no shell: <see cref="Split"/> splits it) with the tracer's stdin and stdout.</summary>
    public static Process Start(string command)
    {
        var parts = Split(command);
        if (parts.Count == 0)
            throw new TraceRuntimeException("-c: empty command");
        var psi = new ProcessStartInfo(ResolveBinary(parts[0])) { UseShellExecute = false };
        for (int i = 1; i < parts.Count; i++)
            psi.ArgumentList.Add(parts[i]);
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command}");
    }

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
