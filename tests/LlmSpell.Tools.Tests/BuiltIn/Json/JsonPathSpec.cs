using System.Text.Json.Nodes;
using LlmSpell.Tools.BuiltIn.Json;
using LlmSpell.Tools.Schema;

namespace LlmSpell.Tools.Tests.BuiltIn.Json;

public sealed class JsonPathSpec
{
    private static readonly JsonNode Store = JsonNode.Parse("""
        {
          "store": {
            "book": [
              { "category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95 },
              { "category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99 },
              { "category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99 },
              { "category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99 }
            ],
            "bicycle": { "color": "red", "price": 19.95 },
            "odd key": 1
          }
        }
        """)!;

    private static string Query(string path) => JsonValues.ToText(new JsonArray(JsonPath.Parse(path).Evaluate(Store).Select(n => n?.DeepClone()).ToArray()));

    [Theory]
    [InlineData("$.store.bicycle.color", """["red"]""")]
    [InlineData("$['store']['bicycle']['color']", """["red"]""")]
    [InlineData("$[\"store\"].bicycle.price", """[19.95]""")]
    [InlineData("$.store['odd key']", """[1]""")]
    [InlineData("$.store.book[0].author", """["Nigel Rees"]""")]
    [InlineData("$.store.book[-1].title", """["The Lord of the Rings"]""")]
    [InlineData("$.store.book[9].title", """[]""")]
    [InlineData("$.store.book[*].price", """[8.95,12.99,8.99,22.99]""")]
    [InlineData("$.store.bicycle.*", """["red",19.95]""")]
    [InlineData("$..author", """["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]""")]
    [InlineData("$.store..price", """[8.95,12.99,8.99,22.99,19.95]""")]
    [InlineData("$..book[2].title", """["Moby Dick"]""")]
    [InlineData("$.store.book[1:3].price", """[12.99,8.99]""")]
    [InlineData("$.store.book[:2].price", """[8.95,12.99]""")]
    [InlineData("$.store.book[-2:].price", """[8.99,22.99]""")]
    [InlineData("$.store.book[::-1].price", """[22.99,8.99,12.99,8.95]""")]
    [InlineData("$.store.book[0,2].price", """[8.95,8.99]""")]
    [InlineData("$.store.book[?(@.price < 10)].title", """["Sayings of the Century","Moby Dick"]""")]
    [InlineData("$.store.book[?(@.price <= 8.99)].price", """[8.95,8.99]""")]
    [InlineData("$.store.book[?(@.price > 20)].title", """["The Lord of the Rings"]""")]
    [InlineData("$.store.book[?(@.price >= 12.99)].price", """[12.99,22.99]""")]
    [InlineData("$.store.book[?(@.category == 'reference')].author", """["Nigel Rees"]""")]
    [InlineData("$.store.book[?(@.category != 'fiction')].author", """["Nigel Rees"]""")]
    [InlineData("$.store.book[?(@.isbn)].title", """["Moby Dick","The Lord of the Rings"]""")]
    [InlineData("$.store.book[?(!@.isbn)].title", """["Sayings of the Century","Sword of Honour"]""")]
    [InlineData("$.store.book[?(@.category == 'fiction' && @.price < 10)].title", """["Moby Dick"]""")]
    [InlineData("$.store.book[?(@.price < 9 || @.price > 20)].price", """[8.95,8.99,22.99]""")]
    [InlineData("$.store.book[?(@.price < $.store.bicycle.price)].price", """[8.95,12.99,8.99]""")]
    [InlineData("$", """[{"store":{"book":[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],"bicycle":{"color":"red","price":19.95},"odd key":1}}]""")]
    [InlineData("store.bicycle.color", """["red"]""")]
    public void Selects_what_the_path_says(string path, string expected) => Query(path).Should().Be(expected);

    [Fact]
    public void Filters_compare_numbers_by_value_and_match_json_null()
    {
        var data = JsonNode.Parse("""[{"n":1},{"n":1.0},{"n":null},{"n":"1"},{}]""");
        JsonPath.Parse("$[?(@.n == 1)]").Evaluate(data).Should().HaveCount(2);
        JsonPath.Parse("$[?(@.n == null)]").Evaluate(data).Should().ContainSingle();
    }

    [Theory]
    [InlineData("$.store.", 8, "expected a property name")]
    [InlineData("$.store[", 8, "expected a number")]
    [InlineData("$.store['book'", 14, "expected ']'")]
    [InlineData("$.store['book", 8, "unterminated string")]
    [InlineData("$.a[?(@.x == )]", 13, "expected '@', '$'")]
    [InlineData("$.a[?(@.x == 1]", 14, "expected ')'")]
    [InlineData("#.a", 0, "starts with '$'")]
    [InlineData("$.a b", 4, "unexpected 'b'")]
    [InlineData("$[1:2:0]", 7, "step cannot be 0")]
    public void Malformed_paths_fail_at_the_position_of_the_mistake(string path, int position, string message)
    {
        var act = () => JsonPath.Parse(path);
        act.Should().Throw<JsonPathException>().Where(e => e.Position == position).WithMessage($"*{message}*");
    }
}
