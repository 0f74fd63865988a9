using Ebpf.Verifier;

namespace Ebpf.Tests.Verifier;

/// <summary>
/// The table of unsafe programs (TestData/unsafe_programs.txt): each is rejected for its named reason, and its fixed
/// version is accepted, so every check is shown to fire exactly where it should.
/// </summary>
public class UnsafeProgramSuiteTests
{
    private static readonly string DataFile = Path.Combine(AppContext.BaseDirectory, "Verifier", "TestData", "unsafe_programs.txt");

    public static TheoryData<string> Cases() => new(UnsafeProgramCase.Load(DataFile).Select(c => c.Name));

    private static UnsafeProgramCase Case(string name) => UnsafeProgramCase.Load(DataFile).Single(c => c.Name == name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_unsafe_program_is_rejected_for_its_reason(string name)
    {
        var result = Case(name).Verify(fixedVersion: false);
        Assert.False(result.Accepted, $"{name} was accepted");
        Assert.True(Case(name).Reason == result.Reason, $"{name}: expected {Case(name).Reason}, got {result.Reason}: {result.Message}");
        Assert.NotEmpty(result.Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_fixed_program_is_accepted(string name)
    {
        var result = Case(name).Verify(fixedVersion: true);
        Assert.True(result.Accepted, $"{name} (fixed) was rejected: {result.Reason}: {result.Message}");
    }

    [Fact]
    public void The_suite_names_every_rejection_reason_at_least_once_and_has_150_cases()
    {
        var cases = UnsafeProgramCase.Load(DataFile);
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
        var missing = Enum.GetValues<RejectionReason>().Where(r => r != RejectionReason.None).Except(cases.Select(c => c.Reason)).ToList();
        Assert.True(missing.Count == 0, "no case for: " + string.Join(", ", missing));
        Assert.True(cases.Count >= 150, $"{cases.Count} cases");
    }
}
