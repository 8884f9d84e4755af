using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace SmartAudit.Redis;

/// <summary>
/// Every key and channel this service uses, in one place (the layout is documented in
/// docs/configuration.md). Rule-set keys share the hash tag <c>{rules}</c> so that the scripts that
/// publish and activate touch one slot, as Redis Cluster requires; case keys share <c>{cases}</c> for the
/// same reason (the scripts that add a case or append a decision also write the change feed).
/// </summary>
public sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    private string Rules => Prefix + "{rules}:";

    /// <summary>String: the gzip bundle bytes, immutable, under its content hash.</summary>
    public RedisKey Bundle(string contentHash) => Rules + "bundle:" + contentHash;

    /// <summary>Hash: what is known about a published bundle (id, version, author, when, by whom).</summary>
    public RedisKey Meta(string contentHash) => Rules + "meta:" + contentHash;

    /// <summary>Sorted set: content hashes of published bundles, scored by publication time (Unix ms).</summary>
    public RedisKey Versions => Rules + "versions";

    /// <summary>Hash: <c>id@version</c> to content hash, so one semantic version names one content.</summary>
    public RedisKey SemanticVersions => Rules + "semver";

    /// <summary>String: the content hash of the environment's active bundle.</summary>
    public RedisKey Active(string environment) => Rules + "env:" + environment + ":active";

    /// <summary>List: content hashes activated in the environment, newest first (the head is the active one).</summary>
    public RedisKey Activations(string environment) => Rules + "env:" + environment + ":activations";

    /// <summary>
    /// Hash: one patient's history, two fields per encounter (<c>e:&lt;id&gt;</c> the entry, <c>n:&lt;id&gt;</c>
    /// its line count). The patient id is not in the key: the key names a SHA-256 of it, so key listings
    /// and slow logs carry no patient identifiers.
    /// </summary>
    public RedisKey History(string patientId) => Prefix + "history:{" + PatientTag(patientId) + "}";

    /// <summary>Sorted set: the patient's encounter ids by date (day number), for trimming.</summary>
    public RedisKey HistoryOrder(string patientId) => Prefix + "history:{" + PatientTag(patientId) + "}:order";

    private static string PatientTag(string patientId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(patientId), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>String: one case's record (<c>smartaudit.case.v1</c> JSON), written once. Case ids are request ids, never patient ids.</summary>
    public RedisKey Case(string caseId) => Cases + "case:" + caseId;

    /// <summary>List: one case's decisions (<c>smartaudit.case-decision.v1</c> JSON), element <c>i</c> is sequence <c>i + 1</c>; only ever appended to.</summary>
    public RedisKey CaseDecisions(string caseId) => Cases + "decisions:" + caseId;

    /// <summary>Hash: case id → the case's queue row as flagged (before any decision), what each instance's index loads.</summary>
    public RedisKey CaseQueue => Cases + "queue";

    /// <summary>Stream: one entry per change (<c>k</c> add, decide or reset; <c>c</c> the case id), followed by every instance.</summary>
    public RedisKey CaseChanges => Cases + "changes";

    private string Cases => Prefix + "{cases}:";

    /// <summary>Channel: the new active content hash, published on every activation and rollback.</summary>
    public RedisChannel Activated(string environment) => RedisChannel.Literal(Prefix + "rules:activated:" + environment);
}
