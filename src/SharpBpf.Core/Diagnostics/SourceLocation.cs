namespace SharpBpf.Core.Diagnostics;

/// <summary>Where a diagnostic points: a file and one of pc, byte offset or line:column.</summary>
public readonly record struct SourceLocation
{
    /// <summary>The file, when known.</summary>
    public string? File { get; init; }

    /// <summary>The instruction slot index, or -1.</summary>
    public int Pc { get; init; }

    /// <summary>The byte offset in the file, or -1.</summary>
    public long Offset { get; init; }

    /// <summary>The 1-based line, or 0.</summary>
    public int Line { get; init; }

    /// <summary>The 1-based column, or 0.</summary>
    public int Column { get; init; }

    /// <summary>No location.</summary>
    public static SourceLocation None => new() { Pc = -1, Offset = -1 };

    /// <summary>An instruction slot.</summary>
    public static SourceLocation AtPc(int pc, string? file = null) => new() { Pc = pc, Offset = -1, File = file };

    /// <summary>A byte offset in a file.</summary>
    public static SourceLocation AtOffset(long offset, string? file = null) => new() { Pc = -1, Offset = offset, File = file };

    /// <summary>A line and column of a text.</summary>
    public static SourceLocation AtLine(int line, int column, string? file = null) =>
        new() { Pc = -1, Offset = -1, Line = line, Column = column, File = file };

    /// <summary>The same location in a named file.</summary>
    public SourceLocation InFile(string? file) => this with { File = file };

    /// <inheritdoc/>
    public override string ToString()
    {
        string where;
        if (Line > 0)
            where = Column > 0 ? $"{Line}:{Column}" : $"{Line}";
        else if (Pc >= 0)
            where = Offset >= 0 ? $"pc {Pc} (offset 0x{Offset:x})" : $"pc {Pc}";
        else if (Offset >= 0)
            where = $"offset 0x{Offset:x}";
        else
            where = "";
        if (File is null)
            return where;
        return where.Length == 0 ? File : (Line > 0 ? $"{File}:{where}" : $"{File}: {where}");
    }
}
