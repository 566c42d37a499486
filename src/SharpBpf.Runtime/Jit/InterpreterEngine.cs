using SharpBpf.Runtime.Interpreter;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// <see cref="BpfInterpreter"/> seen as an <see cref="IExecutionEngine"/>. Temporary: once
/// BpfInterpreter declares the interface itself, <see cref="ExecutionEngines"/> returns it directly
/// and this adapter goes.
/// </summary>
internal sealed class InterpreterEngine(BpfInterpreter interpreter) : IExecutionEngine
{
    public BpfInterpreter Interpreter { get; } = interpreter;

    public long InstructionBudget
    {
        get => Interpreter.InstructionBudget;
        set => Interpreter.InstructionBudget = value;
    }

    public ExecutionResult Run(byte[]? memory, MemoryMap? map = null) => Interpreter.Run(memory, map);

    public ExecutionResult Run(MemoryMap map, ulong r1, ulong r2, int packetRegion = 0) => Interpreter.Run(map, r1, r2, packetRegion);
}
