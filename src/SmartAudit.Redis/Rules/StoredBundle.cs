namespace SmartAudit.Redis.Rules;

/// <summary>
/// A bundle read from the store with a size limit: its bytes; or, when it is larger than the limit, only its
/// length (the bytes stay in Redis, never transferred); or neither when nothing is stored.
/// </summary>
public readonly record struct StoredBundle(byte[]? Bytes, long OversizeLength)
{
    public bool Missing => Bytes is null && OversizeLength == 0;
}
