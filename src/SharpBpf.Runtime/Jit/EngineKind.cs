namespace SharpBpf.Runtime.Jit;

/// <summary>An execution engine.</summary>
public enum EngineKind
{
    /// <summary>The safe interpreter (<see cref="Interpreter.BpfInterpreter"/>).</summary>
    Interpreter,
    /// <summary>The x86-64 JIT (<see cref="JitProgram"/>).</summary>
    Jit,
}
