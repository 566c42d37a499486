namespace SharpBpf.Linux.Events;

/// <summary>Receives one sample of a perf event array, in place (see <see cref="PerfSample.Data"/>).</summary>
public delegate void PerfSampleHandler(PerfSample sample);
