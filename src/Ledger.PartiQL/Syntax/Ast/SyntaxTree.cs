namespace Ledger.PartiQL.Syntax.Ast;

/// <summary>Structural navigation over the AST, for the planner and other passes.</summary>
public static class SyntaxTree
{
    /// <summary>The direct children of a node, in text order.</summary>
    public static IEnumerable<SyntaxNode> Children(SyntaxNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node switch
        {
            UnaryExpression n => [n.Operand],
            BinaryExpression n => [n.Left, n.Right],
            IsExpression n => [n.Operand],
            InListExpression n => [n.Operand, .. n.Items],
            InCollectionExpression n => [n.Operand, n.Collection],
            LikeExpression n => Present(n.Value, n.Pattern, n.Escape),
            BetweenExpression n => [n.Value, n.Low, n.High],
            StructExpression n => n.Fields,
            StructField n => [n.Key, n.Value],
            ListExpression n => n.Items,
            BagExpression n => n.Items,
            FunctionCall n => n.Arguments,
            AggregateCall n => Present(n.Argument),
            CastExpression n => [n.Operand],
            TrimExpression n => Present(n.Characters, n.Source),
            ExtractExpression n => [n.Source],
            DateArithmeticExpression n => [n.First, n.Second],
            CaseExpression n => [.. Present(n.Operand), .. n.Branches, .. Present(n.Else)],
            CaseWhen n => [n.When, n.Then],
            SubqueryExpression n => [n.Query],
            PathExpression n => [n.Root, .. n.Steps],
            IndexStep n => [n.Index],
            HistoryExpression n => Present(n.Start, n.End),
            SelectStatement n => [n.Projection, n.From, .. Present(n.Where)],
            ProjectValue n => [n.Value],
            ProjectList n => n.Items,
            SelectExpressionItem n => [n.Expression],
            SelectAllFieldsItem n => [n.Source],
            FromItem n => [n.Source],
            JoinSource n => [n.Left, n.Right, .. Present(n.Condition)],
            InsertStatement n => [n.Table, n.Value],
            UpdateStatement n => [n.Target, .. n.NestedSources, .. Present(n.Where), n.Operation],
            DeleteStatement n => [n.Target, .. Present(n.Where)],
            DmlTarget n => [n.Table],
            SetOperation n => n.Assignments,
            Assignment n => [n.Target, n.Value],
            InsertIntoOperation n => Present(n.Target, n.Value, n.Position),
            RemoveOperation n => [n.Target],
            CreateIndexStatement n => n.Fields,
            ExecStatement n => n.Arguments,
            ExpressionStatement n => [n.Expression],
            _ => [],
        };
    }

    /// <summary>The node and all its descendants, depth first in text order. Does not descend into nested
    /// queries when <paramref name="intoSubqueries"/> is false (the subquery node itself is still returned).</summary>
    public static IEnumerable<SyntaxNode> DescendantsAndSelf(SyntaxNode node, bool intoSubqueries = true)
    {
        var stack = new Stack<SyntaxNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            if (!intoSubqueries && current is SubqueryExpression && !ReferenceEquals(current, node))
            {
                continue;
            }

            foreach (var child in Children(current).Reverse())
            {
                stack.Push(child);
            }
        }
    }

    private static SyntaxNode[] Present(params SyntaxNode?[] nodes) => [.. nodes.Where(n => n is not null).Cast<SyntaxNode>()];
}
