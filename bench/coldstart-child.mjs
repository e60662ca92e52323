// One Lambda cold start, as the bench measures it: this fresh Node process first imports the
// SDK packages the bundle imports (external: the Lambda runtime provides them), then the bundle
// (module load: the bundle's own top-level code), and handles one event, then prints its timings
// on one line marked BENCH (the handler's logs go before it). performance.now() counts from this
// process's start. Module load is timed apart from the SDK's: the SDK's load is the same for any
// function that uses a client, and the goal is about the bundle's own code. Module load is also
// given in CPU time (user + system), which other processes on a busy machine do not stretch.
const [bundle, eventJson, functionName, sdkJson] = process.argv.slice(2);
const ts = performance.now();
for (const name of JSON.parse(sdkJson ?? '[]')) await import(name);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const mod = await import(bundle);
const cpu = process.cpuUsage(cpu0);
const t1 = performance.now();
const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: 'bench-cold-start',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
};
let outcome;
try {
  const result = await mod.handler(JSON.parse(eventJson), context);
  outcome = typeof result?.statusCode === 'number' ? `HTTP ${result.statusCode}` : 'returned';
} catch (error) {
  // Minified class names say nothing; the message says which input rule refused the event.
  outcome = `threw: ${String(error?.message ?? error).replace(/\s+/g, ' ').slice(0, 60)}`;
}
const t2 = performance.now();
process.stdout.write(`\nBENCH ${JSON.stringify({ beforeImportMs: ts, sdkMs: t0 - ts, loadMs: t1 - t0, loadCpuMs: (cpu.user + cpu.system) / 1000, handlerMs: t2 - t1, outcome })}\n`);
process.exit(0);
