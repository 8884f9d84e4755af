using System.Text;
using SmartAudit.Cli;

// Messages name items and rules in Chinese: make sure a Windows console shows them too.
Console.OutputEncoding = Encoding.UTF8;
return CommandLine.Run(args, Console.Out, Console.Error);
