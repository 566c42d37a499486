namespace SharpBpf.Verifier;

/// <summary>
/// Stable identifiers of the verifier's rejections (<c>VER0001</c>...). Never renumber: tests and
/// scripts match on them. Malformed instructions keep the decoder's <c>BPF00xx</c> ids.
/// </summary>
public static class VerifierDiagnosticIds
{
    /// <summary>The program type is not modelled (its context or helpers).</summary>
    public const string UnsupportedProgramType = "VER0001";
    /// <summary>An instruction the verifier (like the kernel) does not accept: callx, kfunc calls, BTF ids.</summary>
    public const string UnsupportedInstruction = "VER0002";
    /// <summary>An instruction no path reaches.</summary>
    public const string Unreachable = "VER0003";
    /// <summary>A jump leaves its function.</summary>
    public const string JumpOutOfRange = "VER0004";
    /// <summary>Execution can run past the end of a function.</summary>
    public const string FallsOffEnd = "VER0005";
    /// <summary>A function calls itself.</summary>
    public const string Recursion = "VER0006";
    /// <summary>A register is read before anything was written to it.</summary>
    public const string UninitializedRegister = "VER0007";
    /// <summary>r10 is written.</summary>
    public const string FramePointerWrite = "VER0008";
    /// <summary>A pointer that may be NULL is used without a NULL check.</summary>
    public const string NullDereference = "VER0009";
    /// <summary>Memory accessed through a register that is not a pointer to memory.</summary>
    public const string InvalidMemoryAccess = "VER0010";
    /// <summary>An access outside a map value, a stack frame or a memory block.</summary>
    public const string OutOfBounds = "VER0011";
    /// <summary>A packet access not proven to lie before data_end.</summary>
    public const string PacketOutOfBounds = "VER0012";
    /// <summary>Stack bytes read before being written.</summary>
    public const string UninitializedStack = "VER0013";
    /// <summary>An access to the context that its type does not allow.</summary>
    public const string InvalidContextAccess = "VER0014";
    /// <summary>Arithmetic a pointer of this type does not allow.</summary>
    public const string PointerArithmetic = "VER0015";
    /// <summary>A kernel address would leave the program (stored in a map, returned, passed as a number).</summary>
    public const string PointerLeak = "VER0016";
    /// <summary>A comparison between a pointer and a value of another kind.</summary>
    public const string PointerComparison = "VER0017";
    /// <summary>A helper argument of the wrong type or size.</summary>
    public const string InvalidHelperArgument = "VER0018";
    /// <summary>A helper the verifier does not know, or that the program type may not call.</summary>
    public const string UnknownHelper = "VER0019";
    /// <summary>A return value out of the program type's range, or not a number.</summary>
    public const string InvalidReturnValue = "VER0020";
    /// <summary>A loop whose termination could not be proven.</summary>
    public const string UnboundedLoop = "VER0021";
    /// <summary>The analysis processed more instructions than allowed.</summary>
    public const string ComplexityLimit = "VER0022";
    /// <summary>Too many nested calls, or too much stack across them.</summary>
    public const string StackLimit = "VER0023";
    /// <summary>A constant shift by the width or more.</summary>
    public const string InvalidShift = "VER0024";
    /// <summary>Division or modulo by the constant 0.</summary>
    public const string DivisionByZero = "VER0025";
    /// <summary>A reference (ring buffer record) not released on some path.</summary>
    public const string UnreleasedReference = "VER0026";
    /// <summary>A write to read-only memory (read-only map, read-only helper memory).</summary>
    public const string ReadOnlyWrite = "VER0027";
    /// <summary>A misaligned stack access.</summary>
    public const string MisalignedAccess = "VER0028";
    /// <summary>A map reference that names no map.</summary>
    public const string UnknownMap = "VER0029";
}
