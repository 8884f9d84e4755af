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
}
