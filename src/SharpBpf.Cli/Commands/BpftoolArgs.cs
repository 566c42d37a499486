namespace SharpBpf.Cli.Commands;

/// <summary>bpftool's keyword grammar: any prefix of a keyword selects it ("f" for "file").</summary>
internal sealed class BpftoolArgs(IReadOnlyList<string> args, string command)
{
    private int _index;

    public bool AtEnd => _index >= args.Count;

    public string? Peek => AtEnd ? null : args[_index];

    /// <summary>bpftool's is_prefix: the argument is a non-empty prefix of the keyword.</summary>
    public static bool IsPrefix(string arg, string keyword) => arg.Length > 0 && keyword.StartsWith(arg, StringComparison.Ordinal);

    public bool Accept(string keyword)
    {
        if (AtEnd || !IsPrefix(args[_index], keyword))
            return false;
        _index++;
        return true;
    }

    public string Next(string what)
    {
        if (AtEnd)
            throw new CliError($"{command}: expected {what}", 2);
        return args[_index++];
    }

    public CliError Unexpected() => new($"{command}: unrecognized argument '{args[_index]}'", 2);
}
