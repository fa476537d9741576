using LlmSpell.Llm.Local.Chat;

namespace LlmSpell.Llm.Local.Tests.Chat;

public sealed class StopStringFilterSpec
{
    [Fact]
    public void Holds_back_what_may_start_a_stop_string_and_releases_it_when_it_does_not()
    {
        var filter = new StopStringFilter(["END"]);

        filter.Push("the E").Should().Be("the ");
        filter.Push("N").Should().BeEmpty();
        filter.Push("ormous").Should().Be("ENormous");
        filter.Stopped.Should().BeFalse();
    }

    [Fact]
    public void Drops_everything_from_a_stop_string_split_across_pieces()
    {
        var filter = new StopStringFilter(["END", "\n\n"]);

        (filter.Push("done E") + filter.Push("ND more") + filter.Push("ignored") + filter.Flush()).Should().Be("done ");
        filter.Stopped.Should().BeTrue();
    }

    [Fact]
    public void Releases_a_held_back_prefix_at_the_end()
    {
        var filter = new StopStringFilter(["END"]);

        (filter.Push("almost EN") + filter.Flush()).Should().Be("almost EN");
    }

    [Fact]
    public void Passes_text_through_without_stop_strings()
    {
        new StopStringFilter([]).Push("anything").Should().Be("anything");
    }
}
