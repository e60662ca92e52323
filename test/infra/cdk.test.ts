/**
 * The CDK suites, in one file: jest loads aws-cdk-lib once per test file, and that load, not the
 * synthesis, was most of each suite's time (six files: 430 s of CPU in CI). Each suite stays in
 * its own module; suites that only read the default stage's template share one synthesis
 * (`devTemplate` in ./template.ts).
 */
import './stack.suite';
import './nag.suite';
import './monitoring.suite';
import './partition.suite';
import './identity-and-tls.suite';
import './cfn-lint.suite';
import './portal.suite';
import './search-db.suite';
