import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../../infra/asl';
import { DYNAMODB_LOCAL_HEAP, dynamoDbLocalCommand } from '../../infra/local/dynamodb';

/**
 * DynamoDB Local's launcher (infra/local/java) is kept compiled beside its source, for machines
 * with a JRE and no javac. The class must be what the source says, and run on Java 17.
 */
const DIR = path.join(ROOT, 'infra/local/java');
const CLASS = path.join(DIR, 'LoopbackDynamoDbLocal.class');

function hasJavac(): boolean {
  try {
    execFileSync('javac', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the DynamoDB Local launcher', () => {
  it('is a Java 17 class file (major version 61), so any Java 17 or later runs it', () => {
    const bytes = readFileSync(CLASS);
    expect(bytes.readUInt32BE(0)).toBe(0xcafebabe);
    expect(bytes.readUInt16BE(6)).toBe(61);
  });

  it('is compiled from the source beside it (same bytecode as javac --release 17 makes of it, where a JDK is present)', () => {
    const javap = (dir: string) => execFileSync('javap', ['-c', '-p', '-cp', dir, 'LoopbackDynamoDbLocal'], { encoding: 'utf8' });
    const declaresLauncher = readFileSync(CLASS).includes(Buffer.from('createServerFromCommandLineArgs'));
    // A JRE alone cannot compile: there, what can be checked is that the class is the launcher.
    const jdk = hasJavac();
    let sameAsSource: boolean | 'no JDK' = 'no JDK';
    if (jdk) {
      const out = mkdtempSync(path.join(tmpdir(), 'ciss-launcher-'));
      try {
        execFileSync('javac', ['--release', '17', '-d', out, path.join(DIR, 'LoopbackDynamoDbLocal.java')]);
        sameAsSource = javap(DIR) === javap(out);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    expect({ declaresLauncher, sameAsSource }).toEqual({ declaresLauncher: true, sameAsSource: jdk ? true : 'no JDK' });
  });

  it('starts DynamoDB Local through the launcher, with telemetry off, and on disk under umask 077', () => {
    const memory = dynamoDbLocalCommand(8000);
    expect(memory.command).toBe('java');
    expect(memory.args).toEqual(expect.arrayContaining(['LoopbackDynamoDbLocal', '-port', '8000', '-disableTelemetry', '-inMemory', '-sharedDb']));
    // The heap is bounded, as a JVM option (before the main class, or java would pass it to DynamoDB Local).
    const heap = memory.args.indexOf(`-Xmx${DYNAMODB_LOCAL_HEAP}`);
    expect({ bounded: heap >= 0, beforeMainClass: heap < memory.args.indexOf('LoopbackDynamoDbLocal') }).toEqual({ bounded: true, beforeMainClass: true });
    // Test runs ask for the quick JIT only (jest.config.mjs), also a JVM option.
    const jit = memory.args.indexOf('-XX:TieredStopAtLevel=1');
    expect({ asked: process.env['CISS_DYNAMODB_JIT'], set: jit >= 0, beforeMainClass: jit < memory.args.indexOf('LoopbackDynamoDbLocal') }).toEqual({ asked: 'quick', set: true, beforeMainClass: true });
    const disk = dynamoDbLocalCommand(8000, '/data/dynamodb');
    expect(disk.args.slice(0, 2)).toEqual(['-c', 'umask 077 && exec java "$@"']);
    expect(disk.args).toEqual(expect.arrayContaining(['-dbPath', '/data/dynamodb']));
  });
});
