using SmartAudit.Kafka.Spool;

namespace SmartAudit.Kafka;

// The side of the log the replayer sees: each step is taken under the same lock as appends.
public sealed partial class KafkaDecisionLog
{
    ReplayStep ISpoolOwner.NextReplayStep(out SpoolSegment? segment, out int episode)
    {
        lock (_gate)
        {
            segment = null;
            episode = _episode;
            if (!_spooling || _stopped)
            {
                return ReplayStep.Idle;
            }

            if (_live.Outstanding > 0)
            {
                return ReplayStep.WaitingForInFlight;
            }

            SpoolFailed(_live.TakeFailed());
            _spool.SealRetrySegment();
            segment = _spool.SealHead();
            return segment is null ? ReplayStep.Empty : ReplayStep.Segment;
        }
    }

    void ISpoolOwner.Replayed(SpoolSegment segment, IReadOnlyList<OutboundRecord> remaining)
    {
        lock (_gate)
        {
            _spool.Replayed(segment, remaining);
        }
    }

    void ISpoolOwner.TryResumeDirect(int episode)
    {
        lock (_gate)
        {
            if (!_spooling || _stopped || _episode != episode || !_spool.IsEmpty || _live.Outstanding > 0)
            {
                return;
            }

            _ = _live.TakeTrouble(); // whatever was noticed belongs to the episode that just ended
            _live.RecreateIfFatal();
            _spooling = false;
        }

        KafkaLog.SpoolingEnded(_logger);
    }
}
