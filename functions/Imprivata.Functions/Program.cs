using Imprivata.Functions;

var app = ServiceApp.Build(args);
await app.RunAsync();
