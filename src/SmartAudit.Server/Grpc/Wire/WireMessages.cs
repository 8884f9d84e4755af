using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;

namespace SmartAudit.Server.Grpc.Wire;

/// <summary>
/// How the audit service's messages are read off the wire. The generated marshallers let a message that
/// does not parse (truncated bytes, invalid UTF-8 in a string, a wrong wire type) escape as an exception,
/// which gRPC answers UNKNOWN with an error-level stack trace, and which ends a whole CheckStream with every
/// order still in flight on it. These read the same bytes the same way, but a unary call is answered
/// INVALID_ARGUMENT saying why, and a stream's handler gets a placeholder it answers in-band: the frame
/// around the message was whole, so the next message can still be read.
/// </summary>
internal static class WireMessages
{
    private static readonly ConditionalWeakTable<object, string> Unreadable = new();

    /// <summary>A message that does not parse fails the call with INVALID_ARGUMENT naming the message type and why.</summary>
    public static Marshaller<T> Strict<T>(MessageParser<T> parser)
        where T : class, IMessage<T>, IBufferMessage
    {
        var name = parser.ParseFrom(ByteString.Empty).Descriptor.FullName;
        return new(Serialize, context => TryParse(parser, context, name, out var message, out var reason)
            ? message
            : throw RpcErrors.InvalidArgument("(message)", reason).ToRpcException());
    }

    /// <summary>
    /// A message that does not parse becomes an empty one marked unreadable (see <see cref="IsUnreadable"/>),
    /// so a stream handler can answer it in-band and go on reading.
    /// </summary>
    public static Marshaller<T> Tolerant<T>(MessageParser<T> parser)
        where T : class, IMessage<T>, IBufferMessage, new()
    {
        var name = parser.ParseFrom(ByteString.Empty).Descriptor.FullName;
        return new(Serialize, context =>
        {
            if (TryParse(parser, context, name, out var message, out var reason))
            {
                return message;
            }

            var placeholder = new T();
            Unreadable.Add(placeholder, reason);
            return placeholder;
        });
    }

    /// <summary>Whether <paramref name="message"/> is the placeholder for bytes that did not parse, and why.</summary>
    public static bool IsUnreadable(object message, [NotNullWhen(true)] out string? reason) => Unreadable.TryGetValue(message, out reason);

    private static void Serialize<T>(T message, SerializationContext context)
        where T : IMessage<T>, IBufferMessage
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }

    private static bool TryParse<T>(MessageParser<T> parser, DeserializationContext context, string name,
        [NotNullWhen(true)] out T? message, [NotNullWhen(false)] out string? reason)
        where T : class, IMessage<T>, IBufferMessage
    {
        try
        {
            message = parser.ParseFrom(context.PayloadAsReadOnlySequence());
            reason = null;
            return true;
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or ArgumentException or InvalidOperationException)
        {
            // The parser's own words ("Protocol message contained an invalid tag (zero)."): about the bytes, never their content.
            message = null;
            reason = $"the {context.PayloadLength}-byte message is not a valid {name}: {ex.Message}";
            return false;
        }
    }
}
