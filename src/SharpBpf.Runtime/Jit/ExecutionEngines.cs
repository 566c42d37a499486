using SharpBpf.Core;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Runtime.Interpreter;

namespace SharpBpf.Runtime.Jit;

/// <summary>Creates the engine a caller asks for, falling back to the interpreter where the JIT cannot run.</summary>
public static class ExecutionEngines
{
    /// <summary>
    /// Validates and prepares a program for <paramref name="kind"/>. The JIT falls back to the
    /// interpreter (saying why in <see cref="EngineSelection.FallbackReason"/>) on a machine that is
    /// not x86-64 Linux or a process that may not map executable memory. Throws
    /// <see cref="BpfFormatException"/> when the program is invalid (both engines accept the same programs).
    /// </summary>
    public static EngineSelection Create(ReadOnlySpan<Instruction> program, HelperRegistry? helpers, EngineKind kind, JitOptions? options = null)
    {
        helpers ??= new HelperRegistry();
        if (!BpfInterpreter.TryCreate(program, helpers, out var interpreter, out Diagnostic? diagnostic))
            throw new BpfFormatException(diagnostic!);
        if (kind == EngineKind.Interpreter)
            return new EngineSelection(new InterpreterEngine(interpreter!), EngineKind.Interpreter, null);
        try
        {
            var jit = BpfJit.CompileValidated(program, helpers, options ?? new JitOptions(), interpreter!.InstructionCount);
            return new EngineSelection(jit, EngineKind.Jit, null);
        }
        catch (JitUnavailableException e)
        {
            return new EngineSelection(new InterpreterEngine(interpreter!), EngineKind.Interpreter, e.Message);
        }
    }
}
