using SmartAudit.Server;
using SmartAudit.Server.Demo;
using SmartAudit.Workbench;

// SmartAudit audit server. With no configuration: rules from rules/, decisions to var/decisions.jsonl,
// cleartext HTTP/2 on http://127.0.0.1:5080. `--demo` sends the sample orders through gRPC once started;
// `--workbench` also serves the fraud team's case review on http://127.0.0.1:5081 with demo cases and accounts.
var app = AuditServer.Build(WorkbenchExtensions.TranslateArguments(DemoRunner.TranslateArguments(args)));
await app.RunAsync();
