using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// Turns a YAML document into a JSON tree (so one JSON Schema serves editors and the loader) and remembers
/// the source line of every JSON pointer, so schema and semantic errors can name the line an admin must edit.
/// </summary>
internal static class YamlJsonConverter
{
    public sealed record Result(JsonNode? Root, IReadOnlyDictionary<string, int> Lines)
    {
        /// <summary>The source column of every JSON pointer (of a mapping's key for its members), so an error names line and column.</summary>
        public IReadOnlyDictionary<string, int> Columns { get; init; } = new Dictionary<string, int>();
    }

    public static Result Convert(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(yaml);
            stream.Load(reader);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed flow collections; find where it stopped.
            var mark = LastGoodMark(yaml);
            throw new YamlException(mark, mark, "malformed YAML near here (check brackets, braces and quotes)");
        }

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0)
        {
            return new Result(null, lines);
        }

        var root = ToJson(stream.Documents[0].RootNode, "", lines, columns);
        return new Result(root, lines) { Columns = columns };
    }

    private static Mark LastGoodMark(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var mark = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                mark = parser.Current?.End ?? mark;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or YamlException)
        {
            // The mark of the last event parsed is as close as the parser gets to the error.
        }

        return mark;
    }

    /// <summary>The column of the pointer (or of its nearest ancestor that has one); 0 when unknown.</summary>
    public static int ColumnOf(IReadOnlyDictionary<string, int> columns, string pointer)
    {
        for (var current = pointer; ; current = current[..current.LastIndexOf('/')])
        {
            if (columns.TryGetValue(current, out var column))
            {
                return column;
            }

            if (!current.Contains('/', StringComparison.Ordinal))
            {
                return 0;
            }
        }
    }

    /// <summary>The line of the pointer, or of its nearest ancestor that has one.</summary>
    public static int LineOf(IReadOnlyDictionary<string, int> lines, string pointer)
    {
        var current = pointer;
        while (true)
        {
            if (lines.TryGetValue(current, out var line))
            {
                return line;
            }

            var slash = current.LastIndexOf('/');
            if (slash < 0)
            {
                return 1;
            }

            current = current[..slash];
        }
    }

    private static JsonNode? ToJson(YamlNode node, string pointer, Dictionary<string, int> lines, Dictionary<string, int> columns)
    {
        lines[pointer] = (int)node.Start.Line;
        columns[pointer] = (int)node.Start.Column;
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    if (obj.ContainsKey(name))
                    {
                        throw new YamlException(key.Start, key.End, $"Duplicate key '{name}'.");
                    }

                    obj[name] = ToJson(value, $"{pointer}/{Escape(name)}", lines, columns);
                    lines[$"{pointer}/{Escape(name)}"] = (int)key.Start.Line;
                    columns[$"{pointer}/{Escape(name)}"] = (int)key.Start.Column;
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    array.Add(ToJson(item, $"{pointer}/{index}", lines, columns));
                    index++;
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new YamlException(node.Start, node.End, "Anchors and aliases are not supported in rule files.");
        }
    }

    // YAML 1.2 core schema for plain scalars: null, booleans and numbers; anything quoted stays a string.
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    private static string Escape(string name) => name.Replace("~", "~0").Replace("/", "~1");
}
