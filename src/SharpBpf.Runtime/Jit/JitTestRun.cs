namespace SharpBpf.Runtime.Jit;

/// <summary>
/// What <see cref="JitProgram.TestRun"/> measured: the last run's result and the mean time per
/// run, as the kernel's <c>BPF_PROG_TEST_RUN</c> with <c>repeat</c> reports <c>retval</c> and
/// <c>duration</c>.
/// </summary>
/// <param name="Result">The last run (the first that faulted, if one did).</param>
/// <param name="Runs">Runs made (fewer than asked when one faulted).</param>
/// <param name="NanosecondsPerRun">Wall time of the loop divided by <paramref name="Runs"/>.</param>
public readonly record struct JitTestRun(ExecutionResult Result, int Runs, double NanosecondsPerRun);
