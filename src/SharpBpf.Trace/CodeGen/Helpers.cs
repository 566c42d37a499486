namespace SharpBpf.Trace.CodeGen;

/// <summary>The helper ids the generated code calls (enum bpf_func_id, include/uapi/linux/bpf.h).</summary>
internal static class Helpers
{
    public const int MapLookupElem = 1;
    public const int MapUpdateElem = 2;
    public const int MapDeleteElem = 3;
    public const int KtimeGetNs = 5;
    public const int GetPrandomU32 = 7;
    public const int GetSmpProcessorId = 8;
    public const int GetNumaNodeId = 42;
    public const int GetCurrentPidTgid = 14;
    public const int GetCurrentUidGid = 15;
    public const int GetCurrentComm = 16;
    public const int GetStackId = 27;
    public const int GetCurrentTask = 35;
    public const int ProbeReadStr = 45;
    public const int GetCurrentCgroupId = 80;
    public const int SendSignal = 109;
    public const int ProbeReadUser = 112;
    public const int ProbeReadKernel = 113;
    public const int ProbeReadUserStr = 114;
    public const int ProbeReadKernelStr = 115;
    public const int RingbufOutput = 130;
    public const int RingbufReserve = 131;
    public const int RingbufSubmit = 132;
}
