namespace SharpBpf.Core.Diagnostics;

/// <summary>Stable diagnostic identifiers. Never renumber: scripts and tests match on them.</summary>
public static class DiagnosticIds
{
    /// <summary>The bytecode length is not a multiple of 8.</summary>
    public const string TruncatedProgram = "BPF0001";
    /// <summary>The opcode byte is not an eBPF instruction.</summary>
    public const string InvalidOpcode = "BPF0002";
    /// <summary>A field the instruction does not use is not zero.</summary>
    public const string ReservedField = "BPF0003";
    /// <summary>A register number above r10.</summary>
    public const string InvalidRegister = "BPF0004";
    /// <summary>lddw without a valid second slot.</summary>
    public const string IncompleteLoadImm64 = "BPF0005";
    /// <summary>A jump or call target outside the program.</summary>
    public const string TargetOutOfRange = "BPF0006";
    /// <summary>A jump or call target in the middle of lddw.</summary>
    public const string TargetInsideLoadImm64 = "BPF0007";
    /// <summary>A field has a value the instruction does not define (e.g. a byte-swap width).</summary>
    public const string InvalidFieldValue = "BPF0008";
    /// <summary>An empty program.</summary>
    public const string EmptyProgram = "BPF0009";
    /// <summary>A write to the read-only frame pointer r10.</summary>
    public const string FramePointerWrite = "BPF0010";
    /// <summary>A call to a helper id the engine does not provide.</summary>
    public const string UnknownHelper = "BPF0011";

    /// <summary>Assembly text that does not parse.</summary>
    public const string AsmSyntax = "ASM0001";
    /// <summary>An unknown mnemonic.</summary>
    public const string AsmUnknownMnemonic = "ASM0002";
    /// <summary>A bad register operand.</summary>
    public const string AsmInvalidRegister = "ASM0003";
    /// <summary>An immediate or offset out of range.</summary>
    public const string AsmOutOfRange = "ASM0004";
    /// <summary>A jump to a label that is not defined.</summary>
    public const string AsmUndefinedLabel = "ASM0005";
    /// <summary>A label defined twice.</summary>
    public const string AsmDuplicateLabel = "ASM0006";
    /// <summary>Wrong number of operands.</summary>
    public const string AsmOperandCount = "ASM0007";

    /// <summary>A malformed program file (hex words, conformance data).</summary>
    public const string FileFormat = "FILE0001";
}
