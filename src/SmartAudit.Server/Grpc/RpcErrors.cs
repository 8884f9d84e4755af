using System.Diagnostics.CodeAnalysis;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace SmartAudit.Server.Grpc;

/// <summary>
/// Errors as the gRPC rich error model: a status code, a one-line message, and a
/// <see cref="BadRequest"/> detail listing each bad field, so clients read field violations, not prose.
/// </summary>
internal static class RpcErrors
{
    public static Google.Rpc.Status InvalidArgument(BadRequest violations)
    {
        var first = violations.FieldViolations[0];
        var message = violations.FieldViolations.Count == 1
            ? $"invalid request: {first.Field} {first.Description}"
            : $"invalid request: {first.Field} {first.Description} (and {violations.FieldViolations.Count - 1} more)";
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = message,
            Details = { Any.Pack(violations) },
        };
    }

    public static Google.Rpc.Status InvalidArgument(string field, string description) =>
        InvalidArgument(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = description } } });

    [DoesNotReturn]
    public static void ThrowInvalidArgument(BadRequest violations) => throw InvalidArgument(violations).ToRpcException();

    /// <summary>The call cannot work in this server's configuration (e.g. reports without Kafka); the detail names what is missing.</summary>
    [DoesNotReturn]
    public static void ThrowFailedPrecondition(string subject, string description) => throw new Google.Rpc.Status
    {
        Code = (int)Code.FailedPrecondition,
        Message = description,
        Details = { Any.Pack(new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "CONFIGURATION", Subject = subject, Description = description } } }) },
    }.ToRpcException();

    /// <summary>
    /// The server has no rule set at all (none published, none cached): UNAVAILABLE, so the HIS lets the order
    /// through as its integration guide says, with the reason and what an operator does about it.
    /// </summary>
    public static Google.Rpc.Status NoRuleSet(string reason) => new()
    {
        Code = (int)Code.Unavailable,
        Message = $"no rule set loaded, so no audit: {reason}",
    };

    /// <summary>A dependency did not answer; the caller may retry later.</summary>
    public static RpcException Unavailable(string message) => new Google.Rpc.Status { Code = (int)Code.Unavailable, Message = message }.ToRpcException();
}
