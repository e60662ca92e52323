/**
 * Portal suites on one runtime and one browser (`sharePortal` in ./harness.ts): each stays in its
 * own module and keeps its own `givenPortal()`/`stopPortal()`, which here share the file's. Only
 * suites on the default runtime that read no data of the suites before them belong here, in this
 * order: before sign-in, the session, then those that make their own data and check only it (the
 * program figures first: they count every packet sent). A suite that needs its own runtime
 * options, or lists data others make (a queue, the operations list), keeps a file of its own.
 */
import { sharePortal, stopSharedPortal } from './harness';
import './welcome.suite';
import './session.suite';
import './program.suite';
import './audit.suite';
import './accounts.suite';

beforeAll(() => sharePortal(), 120_000);
afterAll(() => stopSharedPortal());
