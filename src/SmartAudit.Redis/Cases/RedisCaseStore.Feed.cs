using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartAudit.Core.Cases;
using StackExchange.Redis;

namespace SmartAudit.Redis.Cases;

// The instance's side of the store: loading every case at start and after an outage, then following the change feed.
public sealed partial class RedisCaseStore : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private readonly TaskCompletionSource _firstLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _stop;
    private Task? _follow;
    private RedisValue _position = StreamPosition.Beginning;
    private volatile bool _current;
    private volatile bool _reloadNeeded = true;
    private bool _outageLogged;
    private volatile string? _ownReset; // the reset this instance announced: its view is emptied already

    /// <summary>Cases in this instance's view.</summary>
    public int LoadedCases => _view.Index.Count;

    /// <summary>True while the view is loaded and followed: queries are answered.</summary>
    public bool IsCurrent => _current && _redis.IsConnected;

    /// <summary>Starts loading the view and following the feed, in the background: start-up never waits for Redis.</summary>
    private int _disposed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_follow is not null)
        {
            return Task.CompletedTask;
        }

        _redis.ConnectionFailed += OnConnectionFailed;
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        _follow = Task.Run(() => FollowAsync(stop), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null || _follow is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await _follow.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // The container holds this instance twice (as the store and as a hosted service) and disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(CancellationToken.None);
        _redis.ConnectionFailed -= OnConnectionFailed;
        _stop?.Dispose();
    }

    /// <summary>
    /// Queries answer from the view only while it is current. Before the first load they wait for it, up to
    /// <see cref="RedisOptions.OperationTimeout"/>; after an outage they fail until the view is loaded again.
    /// </summary>
    private async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        if (_follow is null)
        {
            throw new InvalidOperationException("the case store is not started: call StartAsync (the host does)");
        }

        if (!_redis.IsConnected)
        {
            throw new CaseStoreUnavailableException("case store unreachable: no connection to Redis");
        }

        if (!_firstLoad.Task.IsCompleted)
        {
            try
            {
                await _firstLoad.Task.WaitAsync(_options.OperationTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new CaseStoreUnavailableException("case store unreachable: the cases are not loaded yet");
            }
        }

        if (!IsCurrent)
        {
            throw new CaseStoreUnavailableException("case store unreachable: Redis was down, and the cases are not loaded again yet");
        }
    }

    private async Task FollowAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (_reloadNeeded || !_redis.IsConnected)
                {
                    await ReloadAsync(stop);
                }

                if (!await ReadFeedAsync(stop))
                {
                    await Task.Delay(_options.CaseFeedPollInterval, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is CaseStoreUnavailableException or RedisException or TimeoutException)
            {
                _current = false;
                _reloadNeeded = true;
                if (!_outageLogged)
                {
                    _outageLogged = true;
                    LogFeedLost(_logger, RedisErrors.Brief(ex));
                }

                await Task.WhenAny(Task.Delay(RetryDelay, stop));
            }
        }
    }

    /// <summary>
    /// Loads every case: the feed's position first, then the queue hash and the decision lists in pipelined
    /// batches. Changes made meanwhile are on the feed after that position, and are read next. After an outage
    /// queries fail until this is done; after a reset announced by another instance they see the emptied view
    /// fill up, as the rebuild that announced it fills Redis.
    /// </summary>
    private async Task ReloadAsync(CancellationToken stop)
    {
        _reloadNeeded = false;
        var started = TimeProvider.System.GetTimestamp();
        var generation = _view.BeginReload();
        var db = Database;
        var last = await GuardAsync(() => db.StreamRangeAsync(_keys.CaseChanges, "-", "+", 1, Order.Descending), stop);
        var position = last.Length == 0 ? StreamPosition.Beginning : last[0].Id;
        var index = new CaseIndex();
        var versions = new Dictionary<string, int>(StringComparer.Ordinal);
        var page = new List<HashEntry>(Batch);
        await foreach (var entry in db.HashScanAsync(_keys.CaseQueue, pageSize: Batch).WithCancellation(stop))
        {
            page.Add(entry);
            if (page.Count == Batch)
            {
                await LoadPageAsync(page, index, versions, stop);
            }
        }

        await LoadPageAsync(page, index, versions, stop);
        if (!_view.Replace(index, versions, generation))
        {
            _reloadNeeded = true; // every case was removed while loading: what was read may be gone
            return;
        }

        _position = position;
        _current = !_reloadNeeded;
        _firstLoad.TrySetResult();
        _outageLogged = false;

        LogLoaded(_logger, index.Count, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task LoadPageAsync(List<HashEntry> page, CaseIndex index, Dictionary<string, int> versions, CancellationToken stop)
    {
        if (page.Count == 0)
        {
            return;
        }

        var decisions = await GuardAsync(() =>
        {
            var batch = Database.CreateBatch();
            var lists = page.Select(e => batch.ListRangeAsync(_keys.CaseDecisions((string)e.Name!))).ToArray();
            batch.Execute();
            return Task.WhenAll(lists);
        }, stop);
        var unreadable = 0;
        for (var i = 0; i < page.Count; i++)
        {
            try
            {
                var state = CaseState.Fold(ReadDecisions(decisions[i]));
                var row = CaseRows.WithState(CaseRows.Read(((ReadOnlyMemory<byte>)page[i].Value).Span), state);
                index.Upsert(row);
                versions[row.CaseId] = decisions[i].Length;
            }
            catch (System.Text.Json.JsonException)
            {
                unreadable++;
            }
        }

        if (unreadable > 0)
        {
            LogUnreadable(_logger, unreadable);
        }

        page.Clear();
    }

    /// <summary>Reads the next entries of the feed and refreshes the cases they name; false when there were none.</summary>
    private async Task<bool> ReadFeedAsync(CancellationToken stop)
    {
        var entries = await GuardAsync(() => Database.StreamReadAsync(_keys.CaseChanges, _position, Batch), stop);
        if (entries.Length == 0)
        {
            return false;
        }

        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry[CaseScripts.KindField] == CaseScripts.Reset && entry.Id != _ownReset)
            {
                _view.Reset(); // another instance removed every case: so must this view, at once
                _reloadNeeded = true;
                return true;
            }

            if (entry[CaseScripts.KindField] != CaseScripts.Reset)
            {
                changed.Add((string)entry[CaseScripts.CaseField]!);
            }
        }

        await RefreshAsync([.. changed], stop);
        _position = entries[^1].Id;
        return entries.Length == Batch;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        // What was written while this instance could not read the feed may never reach it (Redis may even have
        // restarted empty): load everything again once it is back.
        _current = false;
        _reloadNeeded = true;
    }

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Case store: {Cases} cases loaded from Redis in {Milliseconds:0} ms; following the change feed")]
    private static partial void LogLoaded(ILogger logger, int cases, double milliseconds);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Error, Message = "Case store: {Cases} case(s) in Redis cannot be read (not written by this service?); they are left off the queue")]
    private static partial void LogUnreadable(ILogger logger, int cases);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Case store: lost Redis ({Reason}); queries fail until the cases are loaded again")]
    private static partial void LogFeedLost(ILogger logger, string reason);
}
