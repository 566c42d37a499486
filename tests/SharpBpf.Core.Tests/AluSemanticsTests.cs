using SharpBpf.Core;
using Xunit;

namespace SharpBpf.Core.Tests;

/// <summary>RFC 9669's arithmetic rules as AluSemantics states them for the folding passes.</summary>
public sealed class AluSemanticsTests
{
    private const ulong Min64 = 0x8000_0000_0000_0000;

    [Theory]
    [InlineData(Opcodes.Div, true, 7UL, 0UL, false, 0UL)]                        // x / 0 = 0
    [InlineData(Opcodes.Mod, true, 7UL, 0UL, false, 7UL)]                        // x % 0 = x
    [InlineData(Opcodes.Div, true, Min64, ulong.MaxValue, true, Min64)]          // LLONG_MIN s/ -1
    [InlineData(Opcodes.Mod, true, Min64, ulong.MaxValue, true, 0UL)]            // LLONG_MIN s% -1
    [InlineData(Opcodes.Div, true, unchecked((ulong)-7L), 2UL, true, unchecked((ulong)-3L))]
    [InlineData(Opcodes.Mod, true, unchecked((ulong)-7L), 2UL, true, unchecked((ulong)-1L))]
    [InlineData(Opcodes.Lsh, true, 1UL, 65UL, false, 2UL)]                       // count modulo 64
    [InlineData(Opcodes.Arsh, true, Min64, 63UL, false, ulong.MaxValue)]
    [InlineData(Opcodes.Add, false, 0xffff_ffffUL, 1UL, false, 0UL)]              // 32-bit wraps, zero-extended
    [InlineData(Opcodes.Arsh, false, 0x8000_0000UL, 31UL, false, 0xffff_ffffUL)]
    [InlineData(Opcodes.Lsh, false, 1UL, 33UL, false, 2UL)]                      // count modulo 32
    [InlineData(Opcodes.Div, false, 0x8000_0000UL, 0xffff_ffffUL, true, 0x8000_0000UL)]
    [InlineData(Opcodes.Sub, false, 0x1_0000_0000UL, 1UL, false, 0xffff_ffffUL)] // upper bits ignored
    public void Binary_operations_follow_the_rfc(byte op, bool is64, ulong a, ulong b, bool signed, ulong expected)
    {
        Assert.True(AluSemantics.TryEvaluate(op, is64, a, b, signed, out ulong result));
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData(Opcodes.Mov)]
    [InlineData(Opcodes.Neg)]
    [InlineData(Opcodes.End)]
    public void Other_operations_are_not_evaluated(byte op) => Assert.False(AluSemantics.TryEvaluate(op, true, 1, 2, false, out _));
}
