import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger of every function: structured JSON, correlation ids from the Lambda context. */
export const logger = new Logger({ serviceName: 'ciss-workflows' });
