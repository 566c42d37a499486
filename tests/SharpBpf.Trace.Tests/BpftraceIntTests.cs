using SharpBpf.Trace.Probes;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>
/// Attach point rates read as bpftrace 0.17's int_parser reads them (the values and messages below are what
/// bpftrace 0.17 gives for <c>interval:ms:RATE</c>).
/// </summary>
public sealed class BpftraceIntTests
{
    [Theory]
    [InlineData("5", 5UL)]
    [InlineData(" 5", 5UL)]
    [InlineData("+5", 5UL)]
    [InlineData("1_000", 1000UL)]
    [InlineData("007", 7UL)]
    [InlineData("0X10", 16UL)]
    [InlineData("0x1f", 31UL)]
    [InlineData("1e3", 1000UL)]
    [InlineData("1E+2", 100UL)]
    [InlineData("2e18", 2_000_000_000_000_000_000UL)]
    [InlineData("-1", ulong.MaxValue)]
    [InlineData("-0", 0UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void Reads_numbers(string text, ulong expected)
    {
        Assert.True(BpftraceInt.TryParseUInt(text, out ulong value, out string? error), error);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("abc", "stoull")]
    [InlineData("", "stoull")]
    [InlineData("_", "stoull")]
    [InlineData("-", "stoull")]
    [InlineData("18446744073709551616", "stoull")]
    [InlineData("1x", "Found trailing non-numeric characters")]
    [InlineData("1.5", "Found trailing non-numeric characters")]
    [InlineData("08", "Found trailing non-numeric characters")]
    [InlineData("0x", "Found trailing non-numeric characters")]
    [InlineData("5 ", "Found trailing non-numeric characters")]
    [InlineData("1e", "Exponent part of scientific literal is not a valid number: : stoull")]
    [InlineData("1e2x", "Exponent part of scientific literal is not a valid number: 2x: Found trailing non-numeric characters")]
    [InlineData("1e19", "Exponent will overflow integer range: 19")]
    [InlineData("1e-1", "Exponent will overflow integer range: -1")]
    public void Refuses_with_bpftrace_messages(string text, string message)
    {
        Assert.False(BpftraceInt.TryParseUInt(text, out _, out string? error));
        Assert.Equal(message, error);
    }
}
