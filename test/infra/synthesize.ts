/**
 * Synthesizes the default stage and leaves its templates in the shared cache (./synthesis.ts),
 * which runs this in a child process when nothing is cached: `node --import tsx test/infra/synthesize.ts`.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { synthesizeStack } from '#infra/stack';
import { appTemplate, publishDevSynthesis } from './template';
import { synthesisKey } from './synthesis';

const stack = synthesizeStack();
publishDevSynthesis(synthesisKey(), stack, { app: appTemplate(stack), searchDb: Template.fromStack(stack.stateful.searchDbStack) });
