using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartAudit.Kafka.Compliance;

/// <summary>The report as JSON (camelCase, like the log records), for scripts and dashboards.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ComplianceReport))]
public sealed partial class ComplianceJsonContext : JsonSerializerContext;
