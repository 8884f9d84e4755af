using Microsoft.AspNetCore.Identity;

namespace SmartAudit.Cli.Workbench;

/// <summary>
/// <c>smartaudit workbench hash-password</c>: reads a password from standard input and prints the hash to put in
/// <c>Workbench:Users:N:PasswordHash</c> (ASP.NET Core Identity's PBKDF2 format), so no password sits in configuration.
/// </summary>
internal sealed class HashPasswordCommand(TextReader? input = null) : Command
{
    public const int MinimumLength = 12;
    private static readonly PasswordHasher<string> Hasher = new();

    public override string Group => "workbench";

    public override string Name => "hash-password";

    public override string Arguments => "< password";

    public override string Summary => "Hash a workbench account's password (read from standard input) for Workbench:Users.";

    public override string Details => $"""
        Reads one line from standard input and prints its hash: PBKDF2-HMAC-SHA512, 100,000 iterations, random
        salt (ASP.NET Core Identity v3). Passwords shorter than {MinimumLength} characters are refused.
        Example: read -rs pw && echo "$pw" | smartaudit workbench hash-password

        """;

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count > 0)
        {
            return UsageError(stderr, $"unexpected '{args[0]}': the password comes on standard input, never as an argument");
        }

        var password = (input ?? Console.In).ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            stderr.WriteLine($"{CommandLine.ToolName}: no password on standard input");
            return ExitCodes.Usage;
        }

        if (password.Length < MinimumLength)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: the password has {password.Length} characters; at least {MinimumLength}");
            return ExitCodes.Usage;
        }

        stdout.WriteLine(Hasher.HashPassword(string.Empty, password));
        return ExitCodes.Success;
    }
}
