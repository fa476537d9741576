using LlmSpell.Workflows.Definitions;

namespace LlmSpell.Workflows.Tests.Definitions;

public sealed class ErrorTextSpec
{
    [Fact]
    public void Line_breaks_and_control_characters_are_escaped()
    {
        ErrorText.OneLine("invalid step_type: 'a\nb\r\tc\u0007\u2028'").Should().Be("invalid step_type: 'a\\nb\\r\\tc\\u0007\\u2028'");
    }

    [Fact]
    public void A_long_quoted_value_is_cut_with_an_ellipsis_and_the_rest_of_the_line_is_kept()
    {
        var line = ErrorText.OneLine($"step name '{new string('x', 10_000)}' cannot be used in references");

        line.Should().Be($"step name '{new string('x', ErrorText.MaxQuoted)}…' cannot be used in references");
    }

    [Fact]
    public void Apostrophes_inside_words_do_not_open_a_quote()
    {
        var text = $"don't use '{new string('y', 200)}' here";
        ErrorText.OneLine(text).Should().Be($"don't use '{new string('y', ErrorText.MaxQuoted)}…' here");
    }

    [Fact]
    public void An_unclosed_quote_is_cut_too_and_a_line_never_exceeds_the_limit()
    {
        ErrorText.OneLine("bad: '" + new string('z', 5_000)).Should().Be("bad: '" + new string('z', ErrorText.MaxQuoted) + "…");
        ErrorText.OneLine(new string('w', 5_000)).Should().HaveLength(ErrorText.MaxLine + 1).And.EndWith("…");
    }

    [Fact]
    public void Short_plain_messages_are_left_as_they_are()
    {
        const string Message = "$.steps[0].name: the step name must not be empty";
        ErrorText.OneLine(Message).Should().BeSameAs(Message);
        ErrorText.OneLine("smile 😀 ok").Should().Be("smile 😀 ok");
    }

    [Fact]
    public void Lists_of_errors_show_twenty_then_count_the_rest()
    {
        var lines = ErrorText.Capped(Enumerable.Range(1, 500).Select(i => $"error {i}"), 500, "f.json: ");

        lines.Should().HaveCount(DefinitionLimits.MaxShownErrors + 1);
        lines[0].Should().Be("f.json: error 1");
        lines[^1].Should().StartWith("f.json: and 480 more errors");
    }
}
