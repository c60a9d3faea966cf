namespace Ledger.Infra.Tests;

/// <summary>The structure checker itself: it must notice the usual broken edits and accept valid Bicep.</summary>
public sealed class BicepCheckerTests
{
    private const string Valid = """
        // a comment with a stray { brace
        /* block comment ]
           over lines */
        @description('A name; it\'s quoted, and has a } brace')
        param name string
        param location string = resourceGroup().location
        var suffix = '${name}-${toLower('X{')}'
        var script = '''
        text with { and ' quotes
        '''
        resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
          name: '${name}${suffix}'
          location: location
          properties: {
            tags: [
              script
            ]
          }
        }
        module child 'child.bicep' = {
          name: 'child'
          params: {
            first: storage.id
            nested: {
              inner: 1
            }
            second: 'x: y'
          }
        }
        output id string = storage.id
        """;

    [Fact]
    public void Valid_bicep_with_comments_interpolation_and_multiline_strings_has_no_errors()
    {
        var document = BicepDocument.Parse(Valid);

        Assert.Empty(document.Errors);
        Assert.Equal(["name", "location"], document.Params.Select(p => p.Name));
        Assert.Equal([false, true], document.Params.Select(p => p.HasDefault));
        Assert.Equal(["suffix", "script"], document.Vars);
        Assert.Equal(["id"], document.Outputs);
        var resource = Assert.Single(document.Resources);
        Assert.Equal(("storage", "Microsoft.Storage/storageAccounts", "2023-05-01"), (resource.Symbol, resource.Type, resource.ApiVersion));
        Assert.StartsWith("{", resource.Body, StringComparison.Ordinal);
        Assert.EndsWith("}", resource.Body, StringComparison.Ordinal);
        var module = Assert.Single(document.Modules);
        Assert.Equal("child.bicep", module.Path);
        Assert.Equal(["first", "nested", "second"], module.ParamKeys);
    }

    [Fact]
    public void References_count_values_but_not_keys_declarations_or_member_access()
    {
        var document = BicepDocument.Parse(Valid);

        Assert.Equal(2, document.CountReferences("name"));      // '${name}...' twice; 'name:' keys and 'param name' are not uses
        Assert.Equal(1, document.CountReferences("location"));
        Assert.Equal(0, document.CountReferences("inner"));
        Assert.Equal(0, document.CountReferences("id"));        // only storage.id
    }

    [Theory]
    [InlineData("resource a 'A.B/c@2020-01-01' = {\n  name: 'x'\n", "never closed")]
    [InlineData("var a = [\n  1\n}\n", "does not close")]
    [InlineData("var a = 1)\n", "closes nothing")]
    [InlineData("var a = 'unterminated\nvar b = 2\n", "string is not closed")]
    [InlineData("var a = '${b'\n", "string is not closed")]
    [InlineData("/* open comment\nvar a = 1\n", "comment is not closed")]
    [InlineData("var a = '''\nno end\n", "string is not closed")]
    [InlineData("resource a 'Microsoft.Storage/storageAccounts' = {\n}\n", "type@apiVersion")]
    [InlineData("resource a 'Microsoft.Storage/storageAccounts@latest' = {\n}\n", "type@apiVersion")]
    [InlineData("param a\n", "has no type")]
    [InlineData("module m 'm.json' = {\n}\n", "path.bicep")]
    public void Broken_bicep_is_reported(string text, string expected)
    {
        var document = BicepDocument.Parse(text);

        Assert.Contains(document.Errors, error => error.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_name_the_line_where_the_bracket_opened()
    {
        var document = BicepDocument.Parse("var a = 1\nvar b = {\n  c: [\n    1\n  }\n}\n", "x.bicep");

        Assert.Contains("x.bicep:5: '}' does not close the '[' opened at line 3", document.Errors);
    }

    [Fact]
    public void Property_blocks_are_found_at_the_top_level_only()
    {
        const string block = "{\n  inner: {\n    params: { a: 1 }\n  }\n  params: {\n    b: 2\n  }\n}";

        var found = BicepDocument.PropertyBlock(block, "params");

        Assert.NotNull(found);
        Assert.Equal(["b"], BicepDocument.TopLevelKeys(found));
        Assert.Null(BicepDocument.PropertyBlock(block, "missing"));
    }
}
