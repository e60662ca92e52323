import type { ComponentChildren } from 'preact';
import type { Role } from '../../functions/shared/roles';
import type { TaskView } from '../../functions/tasks/use-cases/api';

/**
 * What the portal is made of, as the pages declare it and the registries (sections.ts, steps.ts)
 * collect it: pages import these kinds from here, never the registries that import the pages.
 */

/** A page: a route of the fragment (`/path/:param`) and what it shows. */
export interface PageRoute {
  readonly pattern: string;
  readonly render: (params: Readonly<Record<string, string>>, query: URLSearchParams) => ComponentChildren;
}

/** One kind of work, for the roles whose work it is: the navigation shows the sections a person's roles open. */
export interface Section {
  readonly id: string;
  /** The navigation's label. */
  readonly title: string;
  /** What a person finds there, on the home page. */
  readonly summary: string;
  readonly roles: readonly Role[];
  /** The section's first page. */
  readonly home: string;
  /** What a person without the section's roles is told at its pages, in place of "Page not found" (e.g. not certified for search). */
  readonly refused?: string;
  readonly routes: readonly PageRoute[];
}

/** What a human task's page shows above its decision for one workflow's step. */
export type StepView = (props: { readonly task: TaskView; readonly onChanged: () => void }) => ComponentChildren;

/** A step's key in STEP_VIEWS: `arrest-packet/clerk-review`. */
export const stepKey = (task: Pick<TaskView, 'workflow' | 'step'>): string => `${task.workflow}/${task.step}`;
