/**
 * The services' conformance suites on one runtime (`shareEdge` in ./harness.ts): each stays in its
 * own module and keeps its own `givenEdge()`/`stopEdge()`, which here share the file's. Each
 * checks its service on what the runtime makes at start (listed exactly: no suite adds an
 * identity, key, secret, bus or rule) and on names of its own. Step Functions keeps a file of its
 * own (its runtime takes a clock of its own).
 */
import { shareEdge, stopSharedEdge } from './harness';
import './dynamodb.suite';
import './events.suite';
import './kms.suite';
import './secretsmanager.suite';
import './ses.suite';
import './sesv2.suite';
import './rds-data.suite';
import './unknown-operations.suite';
import './diagnostics-walkthrough.suite';

beforeAll(() => shareEdge(), 120_000);
afterAll(() => stopSharedEdge());
