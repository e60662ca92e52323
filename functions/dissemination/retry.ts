import { taskHandler } from '#shared/task';
import * as z from 'zod/mini';
import { deliveryPorts } from './adapters/wiring';
import { deliverDue } from './use-cases/deliver';

const ports = deliveryPorts();

/** The schedule: every notice whose next e-mail attempt is due, one attempt each. */
export const handler = taskHandler(z.unknown(), () => deliverDue(ports));
