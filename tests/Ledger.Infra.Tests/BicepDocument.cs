using System.Text.RegularExpressions;

namespace Ledger.Infra.Tests;

/// <summary>A <c>param</c> declaration; <see cref="HasDefault"/> when callers may omit it.</summary>
internal sealed record BicepParam(string Name, string Type, bool HasDefault, int Line);

/// <summary>A <c>resource</c> declaration with its body (from <c>{</c> to the matching <c>}</c>).</summary>
internal sealed record BicepResource(string Symbol, string Type, string ApiVersion, bool Existing, string Body, int Line);

/// <summary>A <c>module</c> declaration, its file reference and the keys of its <c>params</c> object.</summary>
internal sealed record BicepModule(string Symbol, string Path, IReadOnlyList<string> ParamKeys, string Body, int Line);

/// <summary>
/// A structure checker for Bicep files, not a compiler: it finds unbalanced or mismatched brackets,
/// unterminated strings and comments (string interpolation included), and lists the top-level
/// declarations (param, var, resource with type@apiVersion, module, output) for further checks.
/// </summary>
internal sealed partial class BicepDocument
{
    private readonly List<string> _errors = [];

    private BicepDocument(string path, string text)
    {
        FilePath = path;
        Text = text;
        var code = text.ToCharArray();
        var expressions = text.ToCharArray();
        Scan(code, expressions);
        Code = new string(code);
        Expressions = new string(expressions);
        if (_errors.Count == 0)
        {
            ReadDeclarations();
        }
    }

    public string FilePath { get; }

    public string Text { get; }

    /// <summary>The text with comments blanked (same length and line breaks as <see cref="Text"/>).</summary>
    public string Code { get; }

    /// <summary>The text with comments and literal string characters blanked; interpolated expressions stay.</summary>
    public string Expressions { get; }

    public IReadOnlyList<string> Errors => _errors;

    public List<BicepParam> Params { get; } = [];

    public List<string> Vars { get; } = [];

    public List<BicepResource> Resources { get; } = [];

    public List<BicepModule> Modules { get; } = [];

    public List<string> Outputs { get; } = [];

    public static BicepDocument Load(string path) => new(path, File.ReadAllText(path));

    public static BicepDocument Parse(string text, string path = "inline.bicep") => new(path, text);

    /// <summary>The text of the bracketed block that opens at <paramref name="open"/>, brackets included.</summary>
    public string Block(int open)
    {
        var close = MatchingClose(open);
        return Code[open..(close + 1)];
    }

    /// <summary>The block that follows the first <c>key:</c> at the block's own top level, or null.</summary>
    public static string? PropertyBlock(string block, string key)
    {
        var inner = Parse(block);
        var depth = 0;
        for (var i = 0; i < inner.Expressions.Length; i++)
        {
            var c = inner.Expressions[i];
            if (c is '{' or '[' or '(')
            {
                depth++;
            }
            else if (c is '}' or ']' or ')')
            {
                depth--;
            }
            else if (depth == 1 && IsKeyAt(inner.Expressions, i, key))
            {
                var open = inner.Expressions.IndexOfAny(['{', '['], i + key.Length);
                return open < 0 ? null : inner.Block(open);
            }
        }

        return null;
    }

    /// <summary>The keys at the top level of an object block such as <c>{ a: 1, b: { c: 2 } }</c> (a, b).</summary>
    public static IReadOnlyList<string> TopLevelKeys(string objectBlock)
    {
        var inner = Parse(objectBlock);
        var keys = new List<string>();
        var depth = 0;
        for (var i = 0; i < inner.Expressions.Length; i++)
        {
            var c = inner.Expressions[i];
            if (c is '{' or '[' or '(')
            {
                depth++;
            }
            else if (c is '}' or ']' or ')')
            {
                depth--;
            }
            else if (depth == 1 && (i == 0 || !IsIdentifierChar(inner.Expressions[i - 1])) && IsIdentifierStart(c))
            {
                var match = KeyPattern().Match(inner.Expressions, i);
                if (match.Success && match.Index == i)
                {
                    keys.Add(match.Groups[1].Value);
                }

                while (i + 1 < inner.Expressions.Length && IsIdentifierChar(inner.Expressions[i + 1]))
                {
                    i++;
                }
            }
        }

        return keys;
    }

    /// <summary>Uses of an identifier as a value: not its declaration, not an object key, not after a dot.</summary>
    public int CountReferences(string identifier) =>
        Regex.Matches(Expressions, $@"(?<![.\w]){Regex.Escape(identifier)}\b(?![ \t]*:(?!:))")
            .Count(m => !DeclaredHere().IsMatch(Expressions[(Expressions.LastIndexOf('\n', Math.Max(0, m.Index - 1)) + 1)..m.Index]));

    public int LineOf(int index) => Text.AsSpan(0, index).Count('\n') + 1;

    private static bool IsKeyAt(string text, int i, string key) =>
        string.CompareOrdinal(text, i, key, 0, key.Length) == 0
        && (i == 0 || !IsIdentifierChar(text[i - 1]))
        && KeyPattern().Match(text, i) is { Success: true } m && m.Index == i && m.Groups[1].Value == key;

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private int MatchingClose(int open)
    {
        var depth = 0;
        for (var i = open; i < Expressions.Length; i++)
        {
            var c = Expressions[i];
            if (c is '{' or '[' or '(')
            {
                depth++;
            }
            else if (c is '}' or ']' or ')' && --depth == 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{FilePath}: no bracket closes the one at line {LineOf(open)}.");
    }

    private void Scan(char[] code, char[] expressions)
    {
        var stack = new Stack<(char Open, int Line)>();
        var mode = Mode.Code;
        var line = 1;
        var modeLine = 1;
        for (var i = 0; i < Text.Length; i++)
        {
            var c = Text[i];
            var next = i + 1 < Text.Length ? Text[i + 1] : '\0';
            if (c == '\n')
            {
                line++;
            }

            switch (mode)
            {
                case Mode.Code when c == '/' && next == '/':
                    mode = Mode.LineComment;
                    Blank(code, expressions, i);
                    break;
                case Mode.Code when c == '/' && next == '*':
                    mode = Mode.BlockComment;
                    modeLine = line;
                    Blank(code, expressions, i);
                    break;
                case Mode.Code when c == '\'' && next == '\'' && i + 2 < Text.Length && Text[i + 2] == '\'':
                    mode = Mode.MultiLineString;
                    modeLine = line;
                    i += 2;
                    break;
                case Mode.Code when c == '\'':
                    mode = Mode.String;
                    modeLine = line;
                    break;
                case Mode.Code when c is '(' or '[' or '{':
                    stack.Push((c, line));
                    break;
                case Mode.Code when c is ')' or ']' or '}':
                    if (stack.Count == 0)
                    {
                        _errors.Add($"{FilePath}:{line}: '{c}' closes nothing");
                        break;
                    }

                    var (open, openLine) = stack.Pop();
                    if (open == '$' && c == '}')
                    {
                        expressions[i] = ' ';
                        mode = Mode.String;
                    }
                    else if (Closer(open) != c)
                    {
                        _errors.Add($"{FilePath}:{line}: '{c}' does not close the '{(open == '$' ? "${" : open)}' opened at line {openLine}");
                    }

                    break;
                case Mode.LineComment:
                    if (c == '\n')
                    {
                        mode = Mode.Code;
                    }
                    else
                    {
                        Blank(code, expressions, i);
                    }

                    break;
                case Mode.BlockComment:
                    if (c == '*' && next == '/')
                    {
                        Blank(code, expressions, i);
                        Blank(code, expressions, ++i);
                        mode = Mode.Code;
                    }
                    else if (c != '\n')
                    {
                        Blank(code, expressions, i);
                    }

                    break;
                case Mode.String when c == '\\':
                    expressions[i] = ' ';
                    if (i + 1 < Text.Length && Text[i + 1] != '\n')
                    {
                        expressions[++i] = ' ';
                    }

                    break;
                case Mode.String when c == '\'':
                    mode = Mode.Code;
                    break;
                case Mode.String when c == '$' && next == '{':
                    expressions[i] = ' ';
                    expressions[++i] = ' ';
                    stack.Push(('$', line));
                    mode = Mode.Code;
                    break;
                case Mode.String when c == '\n':
                    _errors.Add($"{FilePath}:{modeLine}: string is not closed on its line");
                    mode = Mode.Code;
                    break;
                case Mode.String:
                    expressions[i] = ' ';
                    break;
                case Mode.MultiLineString when c == '\'' && next == '\'' && i + 2 < Text.Length && Text[i + 2] == '\'':
                    i += 2;
                    mode = Mode.Code;
                    break;
                case Mode.MultiLineString when c != '\n':
                    expressions[i] = ' ';
                    break;
                default:
                    break;
            }
        }

        if (mode is Mode.String or Mode.MultiLineString or Mode.BlockComment)
        {
            _errors.Add($"{FilePath}:{modeLine}: {(mode == Mode.BlockComment ? "comment" : "string")} is not closed at the end of the file");
        }

        foreach (var (open, openLine) in stack)
        {
            _errors.Add($"{FilePath}:{openLine}: '{(open == '$' ? "${" : open)}' is never closed");
        }
    }

    private static void Blank(char[] code, char[] expressions, int i)
    {
        code[i] = ' ';
        expressions[i] = ' ';
    }

    private static char Closer(char open) => open switch
    {
        '(' => ')',
        '[' => ']',
        _ => '}',
    };

    private void ReadDeclarations()
    {
        foreach (Match match in DeclarationPattern().Matches(Code))
        {
            var keyword = match.Groups[1].Value;
            var name = match.Groups[2].Value;
            var rest = match.Groups[3].Value;
            var line = LineOf(match.Index);
            switch (keyword)
            {
                case "param":
                    var param = ParamPattern().Match(rest);
                    if (!param.Success)
                    {
                        _errors.Add($"{FilePath}:{line}: param {name} has no type");
                        break;
                    }

                    Params.Add(new BicepParam(name, param.Groups[1].Value, param.Groups[2].Success, line));
                    break;
                case "var":
                    Vars.Add(name);
                    break;
                case "output":
                    Outputs.Add(name);
                    break;
                case "resource":
                    var resource = ResourcePattern().Match(rest);
                    if (!resource.Success)
                    {
                        _errors.Add($"{FilePath}:{line}: resource {name} needs 'Namespace/type@apiVersion' = {{");
                        break;
                    }

                    var body = Block(match.Groups[3].Index + resource.Groups[4].Index);
                    Resources.Add(new BicepResource(name, resource.Groups[1].Value, resource.Groups[2].Value,
                        resource.Groups[3].Success, body, line));
                    break;
                case "module":
                    var module = ModulePattern().Match(rest);
                    if (!module.Success)
                    {
                        _errors.Add($"{FilePath}:{line}: module {name} needs 'path.bicep' = {{");
                        break;
                    }

                    var moduleBody = Block(match.Groups[3].Index + module.Groups[2].Index);
                    var paramsBlock = PropertyBlock(moduleBody, "params");
                    Modules.Add(new BicepModule(name, module.Groups[1].Value,
                        paramsBlock is null ? [] : TopLevelKeys(paramsBlock), moduleBody, line));
                    break;
                default:
                    break;
            }
        }
    }

    private enum Mode
    {
        Code,
        LineComment,
        BlockComment,
        String,
        MultiLineString,
    }

    [GeneratedRegex(@"^(param|var|resource|module|output)\s+(\w+)(.*)$", RegexOptions.Multiline)]
    private static partial Regex DeclarationPattern();

    [GeneratedRegex(@"^\s+(\w+)\s*(=.*)?$")]
    private static partial Regex ParamPattern();

    [GeneratedRegex(@"^\s+'([A-Za-z0-9.]+/[A-Za-z0-9./]+)@(\d{4}-\d{2}-\d{2}(?:-preview)?)'(\s+existing)?\s*=\s*(?:if\s*\(.*\)\s*)?(\{)")]
    private static partial Regex ResourcePattern();

    [GeneratedRegex(@"^\s+'([^']+\.bicep)'\s*=\s*(?:if\s*\(.*\)\s*)?(\{)")]
    private static partial Regex ModulePattern();

    [GeneratedRegex(@"\G(\w+)[ \t]*:(?!:)")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^(param|var|output|resource|module)\s+$")]
    private static partial Regex DeclaredHere();
}
