using Imprivata.Demo;

var app = DemoApp.Build(args);
await app.RunAsync();
