using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using SmartAudit.Fraud.Features;

namespace SmartAudit.Fraud.Scoring;

/// <summary>The middle half of a feature's values on claims labelled clean: outside it, a value is unusual.</summary>
public sealed record UsualRange(double Low, double High)
{
    public bool Contains(double value) => value >= Low && value <= High;
}

/// <summary>
/// What the model file says about itself, next to the ML.NET model: its name, how it was trained, the
/// feature names in vector order (checked against this build's at load), the usual range of each feature
/// (a reason must name something unusual) and the score thresholds that training suggests: the scores of
/// the top 5% and top 1% of held-out claims. Nothing here depends on when training ran, so the same
/// data and options give the same file, byte for byte (the training date is in the model card).
/// </summary>
public sealed record ModelMetadata(
    string Schema,
    string Name,
    string Trainer,
    IReadOnlyList<string> Features,
    IReadOnlyList<UsualRange> Usual,
    double SuggestedRemindThreshold,
    double SuggestedWarnThreshold)
{
    public const string SchemaV1 = "smartaudit.fraud-model.v1";
}

/// <summary>
/// A trained fraud model loaded from its file: the ML.NET pipeline (tree ensemble and feature
/// contributions), the reference tables and the metadata, all from one zip so that they always belong
/// together. <see cref="Version"/> is the name and the file's hash, so a changed file is a new version.
/// Predictions go through a pool of <see cref="PredictionEngine{TSrc,TDst}"/>: an engine is not thread-safe,
/// so each call rents one, and no two threads ever share one.
/// </summary>
public sealed class FraudModel
{
    /// <summary>Entries SmartAudit adds to the ML.NET zip; ML.NET ignores them.</summary>
    internal const string MetadataEntry = "SmartAudit/model.json";
    internal const string ReferenceEntry = "SmartAudit/reference.json";

    private static readonly DateTimeOffset FixedTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentBag<PredictionEngine<FraudInput, FraudOutput>> _engines = [];
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly int _maxPooled = Math.Max(4, Environment.ProcessorCount * 2);

    private FraudModel(MLContext ml, ITransformer transformer, ModelMetadata metadata, ReferenceTables tables, string version)
    {
        _ml = ml;
        _transformer = transformer;
        Metadata = metadata;
        Tables = tables;
        Version = version;
    }

    public ModelMetadata Metadata { get; }

    public ReferenceTables Tables { get; }

    /// <summary>"name+hash8", e.g. "fraud+3f2a9c1d".</summary>
    public string Version { get; }

    /// <summary>Writes a model file: the ML.NET zip with the metadata and the reference tables inside.</summary>
    public static void Save(string path, MLContext ml, ITransformer transformer, ModelMetadata metadata, ReferenceTables tables)
    {
        ArgumentNullException.ThrowIfNull(ml);
        using var buffer = new MemoryStream();
        var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(FraudInput));
        ml.Model.Save(transformer, ml.Data.LoadFromEnumerable(Array.Empty<FraudInput>(), schema).Schema, buffer);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        // Rewritten entry by entry with a fixed timestamp: ML.NET stamps entries with the time of saving,
        // which would make every retraining a different file (and a different version) for the same model.
        using var output = new MemoryStream();
        using (var source = new ZipArchive(buffer, ZipArchiveMode.Read, leaveOpen: true))
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var content = entry.Open();
                using var copy = new MemoryStream();
                content.CopyTo(copy);
                Write(zip, entry.FullName, copy.ToArray());
            }

            Write(zip, MetadataEntry, JsonSerializer.SerializeToUtf8Bytes(metadata, ModelJsonContext.Default.ModelMetadata));
            Write(zip, ReferenceEntry, tables.ToUtf8());
        }

        File.WriteAllBytes(path, output.ToArray());
    }

    /// <summary>Loads a model file written by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a SmartAudit fraud model, or not one this build can use.</exception>
    public static FraudModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no fraud model at {path}", path);
        }

        var bytes = File.ReadAllBytes(path);
        var version = Convert.ToHexStringLower(SHA256.HashData(bytes))[..8];
        try
        {
            ModelMetadata metadata;
            ReferenceTables tables;
            using (var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read))
            {
                metadata = JsonSerializer.Deserialize(Read(zip, MetadataEntry), ModelJsonContext.Default.ModelMetadata)
                    ?? throw new InvalidDataException($"{MetadataEntry} is empty");
                tables = ReferenceTables.FromUtf8(Read(zip, ReferenceEntry));
            }

            if (metadata.Schema != ModelMetadata.SchemaV1)
            {
                throw new InvalidDataException($"the model is {metadata.Schema}, this build reads {ModelMetadata.SchemaV1}");
            }

            var expected = FraudFeatures.All.Select(FraudFeatures.Name).ToArray();
            if (!metadata.Features.SequenceEqual(expected) || metadata.Usual.Count != expected.Length)
            {
                throw new InvalidDataException("the model was trained on other features than this build computes; retrain it");
            }

            var ml = new MLContext(seed: 1);
            var transformer = ml.Model.Load(new MemoryStream(bytes), out _);
            var model = new FraudModel(ml, transformer, metadata, tables, $"{metadata.Name}+{version}");
            // Predict once now: a model that cannot predict fails here, not on a request, and the first
            // request does not pay for compiling the prediction path.
            model.Predict(new float[FraudFeatures.Count]);
            return model;
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or InvalidOperationException or FormatException
            or ArgumentException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"{path} is not a usable fraud model: {ex.Message}", ex);
        }
    }

    /// <summary>The calibrated probability of fraud and each feature's contribution, from a pooled engine.</summary>
    public (float Probability, float[] Contributions) Predict(float[] features)
    {
        var engine = Rent();
        try
        {
            var output = engine.Predict(new FraudInput { Features = features });
            return (output.Probability, output.FeatureContributions);
        }
        finally
        {
            Return(engine);
        }
    }

    private PredictionEngine<FraudInput, FraudOutput> Rent() =>
        _engines.TryTake(out var engine) ? engine : _ml.Model.CreatePredictionEngine<FraudInput, FraudOutput>(_transformer);

    private void Return(PredictionEngine<FraudInput, FraudOutput> engine)
    {
        if (_engines.Count < _maxPooled)
        {
            _engines.Add(engine);
        }
        else
        {
            engine.Dispose();
        }
    }

    private static void Write(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTimestamp;
        using var stream = entry.Open();
        stream.Write(content);
    }

    private static byte[] Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"{name} is missing: not a SmartAudit fraud model");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ModelMetadata))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;
