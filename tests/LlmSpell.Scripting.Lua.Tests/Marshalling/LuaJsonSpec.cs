using LlmSpell.Scripting.Lua.Hosting;
using LlmSpell.Scripting.Lua.Tests.Support;

namespace LlmSpell.Scripting.Lua.Tests.Marshalling;

/// <summary>Lua values ↔ JSON without loss, and what JSON cannot hold reported with where it is.</summary>
public sealed class LuaJsonSpec
{
    private readonly Scripts _scripts = new(new LuaScriptHost());

    private async Task<string> Encode(string lua) => (await _scripts.Run($"local s = Json.encode({lua}) return s"))!.GetValue<string>();

    [Theory]
    [InlineData("{1, 2, 3}", "[1,2,3]")]
    [InlineData("{a = 1, b = {c = {true, false}}}", """{"a":1,"b":{"c":[true,false]}}""")]
    [InlineData("{}", "{}")]
    [InlineData("Json.array{}", "[]")]
    [InlineData("1", "1")]
    [InlineData("1.0", "1.0")]
    [InlineData("2.5", "2.5")]
    [InlineData("-0.125", "-0.125")]
    [InlineData("math.maxinteger", "9223372036854775807")]
    [InlineData("'caf\\u{E9} \"q\"'", "\"caf\\u00E9 \\u0022q\\u0022\"")]
    [InlineData("{1, Json.null, 3}", "[1,null,3]")]
    [InlineData("{[1] = 'a', [2] = 'b', name = 'x'}", """{"1":"a","2":"b","name":"x"}""")]
    public async Task Encodes_arrays_objects_integers_and_floats(string lua, string json)
    {
        (await Encode(lua)).Should().Be(json);
    }

    [Theory]
    [InlineData("""{"a":[1,2.0,{"b":null}],"c":{},"d":[],"e":"x","f":1e3,"g":-7}""")]
    [InlineData("""[[],[[]],{"x":[null,1]}]""")]
    [InlineData("""{"big":9007199254740993,"small":0.1,"neg":-0.0}""")]
    public async Task Decoding_and_encoding_round_trips(string json)
    {
        _scripts.Options = LuaScriptOptions.Default;
        var result = (await _scripts.Run($"local s = Json.encode(Json.decode([==[{json}]==])) return s"))!.GetValue<string>();
        // Object keys come back sorted; nulls in objects are dropped (nil), in arrays kept (Json.null).
        result.Should().Be(json switch
        {
            """{"a":[1,2.0,{"b":null}],"c":{},"d":[],"e":"x","f":1e3,"g":-7}""" => """{"a":[1,2.0,{}],"c":{},"d":[],"e":"x","f":1000.0,"g":-7}""",
            """{"big":9007199254740993,"small":0.1,"neg":-0.0}""" => """{"big":9007199254740993,"neg":-0.0,"small":0.1}""",
            _ => json,
        });
    }

    [Fact]
    public async Task Decoded_values_have_lua_types()
    {
        var result = await _scripts.Run("""
            local v = Json.decode('{"i": 3, "f": 3.0, "s": "t", "b": true, "a": [1], "n": null}')
            return {math.type(v.i), math.type(v.f), type(v.s), type(v.b), type(v.a), tostring(v.n), #v.a}
            """);
        result!.ToJsonString().Should().Be("""["integer","float","string","boolean","table","nil",1]""");
    }

    [Fact]
    public async Task A_hole_in_an_array_is_reported_with_its_index()
    {
        var error = await _scripts.Fails("local t = {steps = {1, 2, nil, 4}}\nlocal s = Json.encode(t)");
        error.Message.Should().Be("test.lua:2: value.steps[3] is nil: an array cannot have holes (its keys run 1..4); use Json.null for a JSON null in an array");
    }

    [Fact]
    public async Task Functions_and_NaN_cannot_be_JSON()
    {
        (await _scripts.Fails("local s = Json.encode({f = print})")).Message.Should().Be("test.lua:1: value.f is a function, which JSON cannot represent");
        (await _scripts.Fails("return Json.encode({x = 0/0})")).Message.Should().Contain("value.x is NaN, which JSON cannot represent");
    }

    [Fact]
    public async Task Encode_can_indent()
    {
        (await Encode("{a = 1}, true")).Should().Be("{\n  \"a\": 1\n}");
    }

    [Fact]
    public async Task The_script_return_value_comes_back_as_JSON()
    {
        (await _scripts.Run("return {n = 1, f = 1.5, list = {'a'}, empty = Json.array{}}"))!.ToJsonString()
            .Should().Be("""{"empty":[],"f":1.5,"list":["a"],"n":1}""");
    }

    [Fact]
    public async Task Metamethods_of_the_script_never_run_while_dotnet_reads_its_tables()
    {
        var result = await _scripts.Run("""
            local hostile = {__index = function() error("index") end, __eq = function() error("eq") end,
                             __pairs = function() error("pairs") end, __len = function() error("len") end}
            local evil = setmetatable({a = 1}, hostile)
            local s = Json.encode({x = evil, list = {evil}, n = setmetatable({}, hostile)})
            return s
            """);
        result!.GetValue<string>().Should().Be("""{"list":[{"a":1}],"n":{},"x":{"a":1}}""");
    }
}
