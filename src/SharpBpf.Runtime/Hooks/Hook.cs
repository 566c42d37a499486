using System.Runtime.InteropServices;
using SharpBpf.Core;

namespace SharpBpf.Runtime.Hooks;

/// <summary>
/// A place in a host application where eBPF programs run: a program type (which fixes what the
/// verifier lets programs do with the context and which helpers they may call) and a context of
/// a fixed size that the host fills on every call. Attaching checks the type and verifies the
/// program if it was loaded without verification; a program the verifier rejects is never
/// attached, so it never runs. Programs run in attach order.
/// </summary>
public class Hook
{
    private LoadedProgram[] _programs = [];
    private readonly Lock _sync = new();

    /// <summary>A hook for programs of <paramref name="programType"/> over <paramref name="contextSize"/>-byte contexts.</summary>
    public Hook(string name, ProgramType programType, int contextSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contextSize);
        Name = name;
        ProgramType = programType;
        ContextSize = contextSize;
    }

    /// <summary>The hook's name.</summary>
    public string Name { get; }

    /// <summary>The program type attached programs must have.</summary>
    public ProgramType ProgramType { get; }

    /// <summary>The context's size in bytes.</summary>
    public int ContextSize { get; }

    /// <summary>The attached programs, in run order.</summary>
    public IReadOnlyList<LoadedProgram> Programs => Volatile.Read(ref _programs);

    /// <summary>
    /// Attaches a program: its type must be the hook's and the verifier must accept it (throws
    /// <see cref="ProgramRejectedException"/> otherwise). Dispose the link to detach.
    /// </summary>
    public HookLink Attach(LoadedProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.Type != ProgramType)
            throw new ArgumentException($"hook '{Name}' runs {UapiNames.NameOf(ProgramType) ?? ProgramType.ToString()} programs; '{program.Name}' is {UapiNames.NameOf(program.Type) ?? program.Type.ToString()}", nameof(program));
        program.EnsureVerified();
        lock (_sync)
            _programs = [.. _programs, program];
        return new HookLink(this, program);
    }

    internal void Detach(LoadedProgram program)
    {
        lock (_sync)
        {
            int i = Array.IndexOf(_programs, program);
            if (i >= 0)
                _programs = [.. _programs[..i], .. _programs[(i + 1)..]];
        }
    }

    /// <summary>Runs every attached program over a copy of <paramref name="context"/>; one result per program.</summary>
    public ExecutionResult[] Run(ReadOnlySpan<byte> context, RunOptions? options = null)
    {
        if (context.Length != ContextSize)
            throw new ArgumentException($"hook '{Name}' takes {ContextSize}-byte contexts, not {context.Length}", nameof(context));
        var programs = Volatile.Read(ref _programs);
        var results = new ExecutionResult[programs.Length];
        for (int i = 0; i < programs.Length; i++)
            results[i] = programs[i].Run(context.ToArray(), options);
        return results;
    }

    /// <summary>Runs every attached program with a context struct (its size must be <see cref="ContextSize"/>).</summary>
    public ExecutionResult[] Run<TContext>(in TContext context, RunOptions? options = null)
        where TContext : unmanaged =>
        Run(MemoryMarshal.AsBytes(new ReadOnlySpan<TContext>(in context)), options);
}

/// <summary>A program attached to a <see cref="Hook"/>; disposing detaches it.</summary>
public sealed class HookLink : IDisposable
{
    private Hook? _hook;

    internal HookLink(Hook hook, LoadedProgram program)
    {
        _hook = hook;
        Program = program;
    }

    /// <summary>The attached program.</summary>
    public LoadedProgram Program { get; }

    /// <summary>Detaches the program.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _hook, null)?.Detach(Program);
    }
}
