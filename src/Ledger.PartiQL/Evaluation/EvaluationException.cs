namespace Ledger.PartiQL.Evaluation;

/// <summary>A run-time error of a well-formed statement (type error, division by zero, failed CAST…); the
/// conformance category <c>evaluation</c>. The message is what the client sees after "Evaluation Error: ".</summary>
public sealed class EvaluationException : Exception
{
    public EvaluationException()
    {
    }

    public EvaluationException(string message)
        : base(message)
    {
    }

    public EvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
