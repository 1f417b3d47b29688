using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Tests;

/// <summary>
/// The engine reads FHIR dates itself for speed; every value it reads must mean the same instant, in the same zone,
/// as the Firely SDK says, and every value it does not read must still be read (by Firely).
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class FhirTimeTests
{
    public static TheoryData<string> RegularForms => new()
    {
        "2019", "2019-03", "2019-03-04", "2020-02-29", "2019-03-04T10:11:12Z", "2019-03-04T10:11:12-05:00",
        "2019-03-04T10:11:12+14:00", "2019-03-04T23:59:59-12:00", "2019-03-04T10:11:12.3Z", "2019-03-04T10:11:12.345+01:00",
        "2019-03-04T10:11:12.1234567+05:30", "1900-01-01T00:00:00Z",
    };

    public static TheoryData<string> IrregularForms => new()
    {
        "2019-02-29", "2019-13", "2019-00-10", "2019-03-04T10:11:12", "2019-03-04T24:00:00Z", "2019-03-04T10:11:60Z",
        "2019-03-04T10:11:12.123456789Z", "2019-03-04T10:11Z", "2019-03-04 10:11:12Z", "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00", "2019-03-04T10:11:12+15:00", "19-03-04", "2019-3-4", "", "not a date",
    };

    [Theory]
    [MemberData(nameof(RegularForms))]
    public void Regular_forms_are_read_directly_and_mean_what_Firely_says(string text)
    {
        Assert.True(FhirDateTimeText.TryRead(text, out var read), $"{text} should be read directly");
        AssertSameAsFirely(text, read);
    }

    [Theory]
    [MemberData(nameof(IrregularForms))]
    public void Irregular_forms_are_left_to_Firely(string text)
    {
        Assert.False(FhirDateTimeText.TryRead(text, out _));
        var firely = new FhirDateTime(text).TryToDateTimeOffset(TimeSpan.Zero, out var parsed) ? parsed : (DateTimeOffset?)null;
        Assert.Equal(firely, FhirTime.Parse(text));
    }

    [Fact]
    public void Every_date_in_the_real_patient_bundles_means_what_Firely_says()
    {
        var folders = new[] { "synthea-smart-r4", "ahrq-pms-r4", "ecqm-qicore-2024-tests" }
            .Select(f => Path.Combine(Repository.ThirdParty, "fhir-patients", f)).Where(Directory.Exists);
        var values = folders.SelectMany(f => Directory.EnumerateFiles(f, "*.json", SearchOption.AllDirectories))
            .SelectMany(file => DateValue().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(values.Count > 1000, $"only {values.Count} date values found");
        var readDirectly = 0;
        foreach (var value in values)
        {
            if (FhirDateTimeText.TryRead(value, out var read))
            {
                readDirectly++;
                AssertSameAsFirely(value, read);
            }
        }

        Assert.True(readDirectly > values.Count * 0.99, $"{readDirectly} of {values.Count} read directly");
    }

    private static void AssertSameAsFirely(string text, DateTimeOffset read)
    {
        Assert.True(new FhirDateTime(text).TryToDateTimeOffset(TimeSpan.Zero, out var firely), $"Firely does not read {text}");
        Assert.Equal(firely, read);
        Assert.Equal(firely.Offset, read.Offset);
    }

    // "2019-03-04", "2019-03-04T10:11:12-05:00" … as JSON string values.
    [GeneratedRegex("\"(\\d{4}(?:-\\d{2}(?:-\\d{2}(?:T[0-9:.+\\-Z]+)?)?)?)\"")]
    private static partial Regex DateValue();
}
