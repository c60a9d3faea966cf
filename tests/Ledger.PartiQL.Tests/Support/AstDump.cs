using System.Collections;
using System.Reflection;
using System.Text;
using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Tests.Support;

/// <summary>
/// A canonical structural dump of an AST that ignores spans, so two parses of differently written but equivalent
/// text can be compared node for node. Built by reflection so that a new node type or property is covered
/// without touching the tests.
/// </summary>
internal static class AstDump
{
    public static string Dump(SyntaxNode node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                return;
            case string s:
                builder.Append('"').Append(s).Append('"');
                return;
            case SyntaxNode node:
                builder.Append(node.GetType().Name).Append('(');
                var first = true;
                foreach (var property in node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.Name is nameof(SyntaxNode.Span) or "EqualityContract" || property.GetIndexParameters().Length > 0)
                    {
                        continue;
                    }

                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    builder.Append(property.Name).Append('=');
                    Write(builder, property.GetValue(node));
                }

                builder.Append(')');
                return;
            case Token token:
                builder.Append(token.Kind);
                return;
            case IEnumerable sequence:
                builder.Append('[');
                var separator = string.Empty;
                foreach (var item in sequence)
                {
                    builder.Append(separator);
                    separator = ", ";
                    Write(builder, item);
                }

                builder.Append(']');
                return;
            default:
                builder.Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                return;
        }
    }
}
