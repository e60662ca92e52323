import type { StepView } from './kinds';
import { ACCESS_STEP_VIEWS } from './pages/access-steps';
import { ClerkReview } from './pages/arrests-packet';
import { CERTIFICATION_STEP_VIEWS } from './pages/certification-parts';

/**
 * What a human task's page shows above its decision, by workflow and step
 * (`arrest-packet/clerk-review`): the packet as a document for the clerk, the evidence form for
 * the unit. A step without its own view shows the task's facts, as its e-mail does.
 */
export const STEP_VIEWS: Readonly<Record<string, StepView>> = {
  'arrest-packet/clerk-review': ClerkReview,
  ...ACCESS_STEP_VIEWS,
  ...CERTIFICATION_STEP_VIEWS,
};
