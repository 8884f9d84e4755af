namespace SmartAudit.Fraud.Scoring;

/// <summary>
/// The model the server scores with, swapped whole on a reload (one volatile write; a request reads it
/// once). A failed load keeps the model already serving, if any, and remembers the problem for the
/// health check and, while there is no model at all, for the degraded reason of every answer.
/// </summary>
public sealed class ActiveFraudModel
{
    private volatile State _state = new(null, "fraud model not loaded yet");

    /// <summary>The model in service, or null: requests are then answered rules-only, degraded.</summary>
    public FraudModel? Current => _state.Model;

    /// <summary>Why the last load failed, or null when it succeeded.</summary>
    public string? Problem => _state.Problem;

    public void Serve(FraudModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _state = new State(model, null);
    }

    /// <summary>Records a failed load; the model in service, if any, stays.</summary>
    public void Fail(string problem) => _state = new State(_state.Model, problem);

    private sealed record State(FraudModel? Model, string? Problem);
}
