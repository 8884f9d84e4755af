using SmartAudit.Server;
using SmartAudit.Server.Demo;

// SmartAudit audit server. With no configuration: rules from rules/, decisions to var/decisions.jsonl,
// cleartext HTTP/2 on http://127.0.0.1:5080. `--demo` sends the sample orders through gRPC once started.
var app = AuditServer.Build(DemoRunner.TranslateArguments(args));
await app.RunAsync();
