namespace SharpBpf.Core.Formatting;

/// <summary>The assembly syntaxes SharpBpf reads and writes.</summary>
public enum AsmSyntax
{
    /// <summary>LLVM's pseudo-C syntax as llvm-objdump prints it (<c>r0 = r1</c>).</summary>
    Llvm,
    /// <summary>The uBPF / bpf_conformance syntax (<c>mov %r0, %r1</c>).</summary>
    Ubpf,
    /// <summary>The kernel's own printer (kernel/bpf/disasm.c), as bpftool prints xlated code. Output only.</summary>
    Kernel,
}
