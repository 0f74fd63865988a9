namespace Ebpf.Isa.Text;

/// <summary>Assembly source text that cannot be assembled, with the position of the problem.</summary>
public sealed class AssemblerException : EbpfException
{
    /// <summary>Creates the exception for a problem at a 1-based line and column.</summary>
    public AssemblerException(int line, int column, string reason)
        : base($"line {line}, column {column}: {reason}")
    {
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The 1-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>The 1-based column of the problem.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }
}
