using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using SmartAudit.Kafka;

namespace SmartAudit.Cli.Kafka;

/// <summary>
/// The cluster settings of the Kafka commands: the server's section <c>Kafka</c>, read from the same
/// environment variables (<c>Kafka__SecurityProtocol</c>, <c>Kafka__SaslPassword</c>, …) so that secrets never
/// appear on a command line, with <c>--bootstrap</c> taking precedence over <c>Kafka__BootstrapServers</c>.
/// </summary>
internal static class KafkaSettings
{
    public const string Usage = """
        --bootstrap     host:port,… of the brokers (else Kafka__BootstrapServers). Security settings and
                        topic names come from the server's settings as environment variables:
                        Kafka__SecurityProtocol, Kafka__SaslMechanism, Kafka__SaslUsername,
                        Kafka__SaslPassword, Kafka__SslCaLocation, Kafka__DecisionsTopic, …
                        (see docs/configuration.md).
        """;

    /// <summary>The options, or null with the problems written to <paramref name="stderr"/>.</summary>
    public static KafkaOptions? Load(string? bootstrap, TextWriter stderr)
    {
        var options = new KafkaOptions();
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(KafkaOptions.SectionName).Bind(options);
        if (!string.IsNullOrWhiteSpace(bootstrap))
        {
            options.BootstrapServers = bootstrap;
        }

        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            stderr.WriteLine($"{CommandLine.ToolName}: no Kafka cluster: give --bootstrap host:port or set Kafka__BootstrapServers");
            return null;
        }

        var problems = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            return options;
        }

        foreach (var problem in problems)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: Kafka:{string.Join(",", problem.MemberNames)}: {problem.ErrorMessage}");
        }

        return null;
    }
}
